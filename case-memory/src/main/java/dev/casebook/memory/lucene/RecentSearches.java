package dev.casebook.memory.lucene;

import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.embedding.Vectors;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The vector searches of the last moments and the writes since, so that a merge's near-duplicate check can use a
 * search already made with its vector (an episode's selection searched with the vector its case is written with)
 * instead of searching again. The check needs the best case its filter admits at or above the threshold; a seen search
 * answers it when
 * <ul>
 *   <li>its vector is the same (equal floats) and its filter {@link CaseFilter#covers covers} the merge's, so every
 *       case the merge may find was a candidate of that search;</li>
 *   <li>it is complete above the threshold: it returned fewer than {@code k} hits, or its last hit scored below the
 *       threshold, so every case scoring at or above the threshold when it ran is among its hits;</li>
 *   <li>every write since it began is still in the log of writes ({@link #MAX_WRITES}; a bulk add empties it).</li>
 * </ul>
 * The answer is then the best of the seen hits at or above the threshold that were not written since and that the
 * merge's filter admits, and of the latest version of each case written since, scored exactly by the cosine of its
 * vector (as search hits are re-scored): what the merge's own search over the same cases would return, up to the
 * approximation of the HNSW search (the seen search ran with the selection's filter, not the merge's) and the order of
 * equal scores.
 *
 * <p>The log is written and read under the writer's lock; the seen searches are recorded by concurrent readers.
 */
final class RecentSearches {
    /** Searches kept, the latest: enough for the tasks running between a selection and its case's write. */
    static final int MAX_SEARCHES = 2048;
    /** Writes kept in the log; a seen search older than the log's oldest write is not used. */
    static final int MAX_WRITES = 8192;

    /** A search as the store answered it: its hits' ids and exact scores, best first, as of write {@code before}. */
    private record Seen(CaseFilter filter, int k, long before, UUID[] ids, double[] scores) {
    }

    /** A vector compared by its floats. */
    private record Key(float[] vector) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Arrays.equals(vector, key.vector);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(vector);
        }
    }

    /** One write of the log: its number and the case as stored (null when deleted). */
    private record Logged(long write, UUID id, CaseDocument.Stored stored) {
    }

    /** What a seen search says about a merge's near-duplicate: the best case at or above the threshold, if any. */
    record Answer(UUID id, double score) {
        static final Answer NONE = new Answer(null, Double.NaN);
    }

    private final Map<Key, Seen> searches = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Seen> eldest) {
            return size() > MAX_SEARCHES;
        }
    };
    private final ArrayDeque<Logged> log = new ArrayDeque<>();
    /** The log holds every write numbered above this one; guarded by the writer's lock. */
    private long complete;

    /**
     * A search made with {@code vector} and {@code filter} answered {@code hits}, and showed every write numbered up
     * to {@code before}.
     */
    void searched(float[] vector, CaseFilter filter, int k, long before, List<ScoredCase> hits) {
        UUID[] ids = new UUID[hits.size()];
        double[] scores = new double[hits.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = hits.get(i).value().id();
            scores[i] = hits.get(i).score();
        }
        Seen seen = new Seen(filter, k, before, ids, scores);
        synchronized (searches) {
            searches.put(new Key(vector.clone()), seen);
        }
    }

    /** The writer, under its lock: write {@code write} stored this version of case {@code id} (null: deleted it). */
    void wrote(long write, UUID id, CaseDocument.Stored stored) {
        log.addLast(new Logged(write, id, stored));
        if (log.size() > MAX_WRITES) {
            complete = Math.max(complete, log.removeFirst().write());
        }
    }

    /** The writer, under its lock: write {@code write} puts documents it does not log (a bulk add). */
    void unlogged(long write) {
        log.clear();
        complete = write;
    }

    /** Looks a case up by id under the writer's lock; null when it does not exist for the tenant. */
    @FunctionalInterface
    interface Lookup {
        CaseDocument.Stored stored(String tenant, UUID id) throws java.io.IOException;
    }

    /**
     * The near-duplicate of a merge from a seen search (which is forgotten: it served its episode), or null when no
     * seen search answers it; called under the writer's lock.
     */
    Answer nearDuplicate(float[] vector, CaseFilter filter, double threshold, Lookup lookup)
            throws java.io.IOException {
        Seen seen;
        synchronized (searches) {
            seen = searches.remove(new Key(vector));
        }
        if (seen == null || !seen.filter().covers(filter) || seen.before() < complete
                || (seen.ids().length == seen.k() && seen.scores()[seen.k() - 1] >= threshold)) {
            return null;
        }
        UUID best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        Set<UUID> since = new HashSet<>();
        for (Iterator<Logged> it = log.descendingIterator(); it.hasNext(); ) {
            Logged logged = it.next();
            if (logged.write() <= seen.before()) {
                break;
            }
            if (since.add(logged.id()) && logged.stored() != null && filter.admits(logged.stored().value())) {
                double score = Vectors.cosine(vector, logged.stored().vector());
                if (score >= threshold && score > bestScore) {
                    best = logged.id();
                    bestScore = score;
                }
            }
        }
        for (int i = 0; i < seen.ids().length && seen.scores()[i] >= threshold; i++) {
            UUID id = seen.ids()[i];
            if (!since.contains(id) && seen.scores()[i] > bestScore) {
                CaseDocument.Stored stored = lookup.stored(filter.tenant(), id);
                if (stored != null && filter.admits(stored.value())) {
                    best = id;
                    bestScore = seen.scores()[i];
                }
            }
        }
        return best == null ? Answer.NONE : new Answer(best, bestScore);
    }
}
