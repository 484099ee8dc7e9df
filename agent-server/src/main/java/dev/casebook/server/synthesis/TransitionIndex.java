package dev.casebook.server.synthesis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The embeddings of one tenant's real transitions, at most {@code capacity} (the newest: adding beyond it drops the
 * oldest), searched exhaustively by cosine similarity. Vectors are unit length, so the dot product is the cosine; a
 * search costs {@code size x dimension} multiplications (10,000 x 384 is a few milliseconds). Thread-safe.
 */
final class TransitionIndex {
    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Set<Long> ids = new HashSet<>();
    private long newest = 0;

    private record Entry(long id, float[] vector) {
    }

    /** A transition found, with its cosine similarity to the query. */
    record Hit(long id, double score) {
    }

    TransitionIndex(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Adds a transition unless it is known; ids come in ascending order except for late commits. */
    synchronized void add(long id, float[] vector) {
        if (!ids.add(id)) {
            return;
        }
        entries.addLast(new Entry(id, vector));
        newest = Math.max(newest, id);
        while (entries.size() > capacity) {
            ids.remove(entries.removeFirst().id());
        }
    }

    synchronized int size() {
        return entries.size();
    }

    /** The largest id added: the watermark of the next read from the database. */
    synchronized long newest() {
        return newest;
    }

    /** The {@code k} most similar transitions, best first; fewer when the index holds fewer. */
    synchronized List<Hit> nearest(float[] query, int k) {
        PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
        for (Entry entry : entries) {
            if (entry.vector().length != query.length) {
                continue;
            }
            double score = 0;
            for (int i = 0; i < query.length; i++) {
                score += query[i] * entry.vector()[i];
            }
            if (best.size() < k) {
                best.add(new Hit(entry.id(), score));
            } else if (k > 0 && score > best.peek().score()) {
                best.poll();
                best.add(new Hit(entry.id(), score));
            }
        }
        List<Hit> hits = new ArrayList<>(best);
        hits.sort(Comparator.comparingDouble(Hit::score).reversed());
        return hits;
    }
}
