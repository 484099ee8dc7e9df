package dev.casebook.memory.lucene;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.search.SearcherManager;

/**
 * The writes of a {@link LuceneCaseStore} that its current searcher may not show yet, and the refresh that makes it
 * show them. The writer numbers its writes as it counts them ({@link #countWrite()}); for each case written since a
 * refreshed searcher last included it, the latest version is kept here by id (the case, its vector and its evidence,
 * as stored), or a tombstone for a case deleted. Filled by the writer under its lock; read by every look-up by id and,
 * as a snapshot, by vector searches ({@link PendingOverlay}).
 *
 * <p>Why a look-up by id needs no refresh: every write puts its entry before it returns, and an entry is dropped only
 * after a refresh that began after that write was counted ({@link #refresh()}), so for any id the latest
 * acknowledged write is either here or in the current searcher. An entry of a write counted after a refresh began
 * (one that raced it) stays until a later refresh includes it. A bulk add keeps no entries ({@link #bulkAdd()}): until
 * a refresh includes it, look-ups by id refresh first ({@link #bulkAddUnseen()}).
 */
final class PendingWrites {

    /** The latest write of one id: its number (as counted by the writer) and the case as stored, null when deleted. */
    record Entry(long write, CaseDocument.Stored stored) {
    }

    private final SearcherManager searchers;
    private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
    /** Writes made so far; counted by the writer after each write returns to it. */
    private final AtomicLong written = new AtomicLong();
    /** The count of writes that the current searcher is known to include. */
    private final AtomicLong visible = new AtomicLong();
    /** The number of the last bulk add (a write whose documents have no entries); 0 when none. */
    private volatile long bulkAdd;
    /** Runs after each refresh, before the entries it made visible are dropped; a hook for tests. */
    private volatile Runnable afterRefresh = () -> { };

    PendingWrites(SearcherManager searchers) {
        this.searchers = searchers;
    }

    /**
     * Called by the writer after each write: the next read that needs the searcher to show it refreshes first, so a
     * write is visible to every read that starts after it returned. A burst of writes with no read between them costs
     * one refresh, not one each.
     */
    void countWrite() {
        written.incrementAndGet();
    }

    /** The number of writes counted so far: each write numbered up to it is here or in the current searcher. */
    long counted() {
        return written.get();
    }

    /**
     * The number the write under way gets when it is counted; only the writer asks, under its lock, so no other write
     * is counted in between.
     */
    private long underWay() {
        return written.get() + 1;
    }

    /** Called by the writer, under its lock, once this version of a case is in the index writer; its write's number. */
    long wrote(CaseDocument.Stored stored) {
        long write = underWay();
        entries.put(stored.value().id(), new Entry(write, stored));
        return write;
    }

    /** Called by the writer, under its lock, once it deleted the case {@code id}; its write's number. */
    long deleted(UUID id) {
        long write = underWay();
        entries.put(id, new Entry(write, null));
        return write;
    }

    /**
     * Called by the writer, under its lock, before it puts documents into the index writer without entries here (a
     * bulk add); its write's number.
     */
    long bulkAdd() {
        bulkAdd = underWay();
        return bulkAdd;
    }

    /** True while the current searcher may miss the documents of a bulk add, which have no entries here. */
    boolean bulkAddUnseen() {
        return visible.get() < bulkAdd;
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

    /** How many versions of cases wait for a refresh. */
    int size() {
        return entries.size();
    }

    void afterRefresh(Runnable hook) {
        afterRefresh = hook;
    }

    /**
     * Makes the current searcher include every write counted before this call. A read that finds a refresh of
     * another thread under way waits for it and refreshes itself ({@code maybeRefreshBlocking}), and the count is
     * raised only after a refresh returned, so no read (nor the writer's look-ups under its lock, e.g. a merge's
     * near-duplicate search) ever gets a searcher that misses a write which returned before the read started. Then the
     * entries of the writes counted up to {@code target} are dropped: the searcher now shows them (or a later
     * version); those of writes counted after {@code target} (racing this refresh) stay.
     */
    void refresh() throws IOException {
        long target = written.get();
        if (visible.get() < target) {
            searchers.maybeRefreshBlocking();
            visible.accumulateAndGet(target, Math::max);
            afterRefresh.run();
            dropThrough(target);
        }
    }

    /**
     * Drops the entries of the writes numbered up to {@code through}, which a searcher now shows. An entry replaced
     * meanwhile by a later write is kept: the removal is conditional on the entry being the one that was seen.
     */
    private void dropThrough(long through) {
        for (Map.Entry<UUID, Entry> e : entries.entrySet()) {
            if (e.getValue().write() <= through) {
                entries.remove(e.getKey(), e.getValue());
            }
        }
    }
}
