package dev.casebook.memory.lucene;

import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.embedding.Vectors;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A vector search over a searcher that may miss the writer's latest writes, completed with those writes: a snapshot
 * of {@link PendingWrites} taken before the searcher was acquired. A version kept there shadows the searcher's
 * document of its id (a tombstone removes it; a later version replaces it, and is shown only if the filter admits
 * it), and every kept version the filter admits is scored exactly, by the cosine of its vector, as the searcher's
 * candidates are re-scored, so the two rank together. An exact scan: the snapshot is small (bounded by
 * {@link LuceneSearches#OVERLAY_LIMIT}; a search refreshes the searcher beyond it).
 */
final class PendingOverlay {
    private final Map<UUID, PendingWrites.Entry> entries;

    PendingOverlay(Map<UUID, PendingWrites.Entry> entries) {
        this.entries = entries;
    }

    /** An overlay of nothing: a search on a searcher just refreshed under the write lock, or a hybrid search's. */
    static final PendingOverlay NONE = new PendingOverlay(Map.of());

    /** True when {@code id} has a kept version: the searcher's document of it is not the latest. */
    boolean shadows(UUID id) {
        return entries.containsKey(id);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    /**
     * The best {@code k} of the searcher's unshadowed hits ({@link #shadows} false) and the kept versions
     * {@code filter} admits, best first;
     * on equal scores the searcher's hit comes first.
     */
    List<ScoredCase> merge(List<ScoredCase> unshadowed, float[] vector, CaseFilter filter, int k) {
        List<ScoredCase> all = new ArrayList<>(unshadowed);
        for (PendingWrites.Entry entry : entries.values()) {
            CaseDocument.Stored stored = entry.stored();
            if (stored != null && filter.admits(stored.value())) {
                all.add(new ScoredCase(stored.value(), Vectors.cosine(vector, stored.vector())));
            }
        }
        if (all.size() == unshadowed.size()) {
            return unshadowed.size() > k ? List.copyOf(unshadowed.subList(0, k)) : unshadowed;
        }
        all.sort(Comparator.comparingDouble(ScoredCase::score).reversed()); // stable: the searcher's first on ties
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }
}
