package dev.casebook.memory.lucene;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writer's own documents that the current searcher may not show yet, by case id: the latest version of each case
 * written since a refreshed searcher last included it (the case, its vector and its evidence, as stored), or a
 * tombstone for a case deleted. Filled by the writer under its lock; read by every look-up by id.
 *
 * <p>Why a look-up by id needs no refresh: every write puts its entry before it returns, and an entry is dropped only
 * after a refresh that began after that write was counted, so for any id the latest acknowledged write is either
 * here or in the current searcher. An entry of a write counted after a refresh began (one that raced it) stays until
 * a later refresh includes it.
 */
final class PendingCases {

    /** The latest write of one id: its number (as counted by the writer) and the case as stored, null when deleted. */
    record Entry(long write, CaseDocument.Stored stored) {
    }

    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();

    /** Called by the writer, under its lock, once the document of write {@code write} is in the index writer. */
    void written(long write, CaseDocument.Stored stored) {
        entries.put(stored.value().id(), new Entry(write, stored));
    }

    /** Called by the writer, under its lock, once write {@code write} deleted the case {@code id}. */
    void deleted(long write, UUID id) {
        entries.put(id, new Entry(write, null));
    }

    /** The latest unrefreshed write of {@code id}, or null when the current searcher shows its latest version. */
    Entry get(UUID id) {
        return entries.get(id);
    }

    /**
     * A copy of the entries as they are now, for a search that completes an unrefreshed searcher with them
     * ({@link PendingOverlay}); taken before that searcher is acquired, so an entry missing here was dropped after a
     * refresh whose searcher the search then gets.
     */
    Map<UUID, Entry> snapshot() {
        return Map.copyOf(entries);
    }

    /**
     * Drops the entries of the writes numbered up to {@code through}, which a searcher now shows (the caller refreshed
     * it after write {@code through} was counted). An entry replaced meanwhile by a later write is kept: the removal
     * is conditional on the entry being the one that was seen.
     */
    void dropThrough(long through) {
        for (Map.Entry<UUID, Entry> e : entries.entrySet()) {
            if (e.getValue().write() <= through) {
                entries.remove(e.getKey(), e.getValue());
            }
        }
    }

    int size() {
        return entries.size();
    }
}
