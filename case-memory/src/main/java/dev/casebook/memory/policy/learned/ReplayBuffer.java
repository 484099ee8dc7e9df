package dev.casebook.memory.policy.learned;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * A bounded, thread-safe replay buffer: {@link #add} never blocks for long (a task thread calls it), the oldest
 * example is dropped when full, and the trainer draws uniform mini-batches with replacement. Its examples are also
 * indexed by case ({@link #ofCase}), for {@link LocalEvidence}: the index holds the buffer's own examples, so it is
 * bounded by the buffer's capacity.
 */
public final class ReplayBuffer {

    private final ReplayExample[] ring;
    private int next;
    private int size;
    /** The buffer's examples by case id, oldest first. */
    private final Map<UUID, ArrayDeque<ReplayExample>> byCase = new HashMap<>();

    public ReplayBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.ring = new ReplayExample[capacity];
    }

    public synchronized void add(ReplayExample example) {
        Objects.requireNonNull(example, "example");
        if (ring[next] != null) {
            unindex(ring[next]);
        }
        ring[next] = example;
        byCase.computeIfAbsent(example.caseId(), id -> new ArrayDeque<>()).addLast(example);
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** The evicted example is its case's oldest (the ring and each case's queue are both first in, first out). */
    private void unindex(ReplayExample evicted) {
        ArrayDeque<ReplayExample> examples = byCase.get(evicted.caseId());
        examples.pollFirst();
        if (examples.isEmpty()) {
            byCase.remove(evicted.caseId());
        }
    }

    /** The newest {@code max} examples of case {@code caseId}, newest first; empty when it has none. */
    public synchronized List<ReplayExample> ofCase(UUID caseId, int max) {
        ArrayDeque<ReplayExample> examples = byCase.get(caseId);
        if (examples == null) {
            return List.of();
        }
        List<ReplayExample> newest = new ArrayList<>(Math.min(max, examples.size()));
        for (Iterator<ReplayExample> i = examples.descendingIterator(); i.hasNext() && newest.size() < max; ) {
            newest.add(i.next());
        }
        return newest;
    }

    /** The newest {@code max} examples, newest first. */
    public synchronized List<ReplayExample> newest(int max) {
        int n = Math.min(max, size);
        List<ReplayExample> newest = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            newest.add(ring[Math.floorMod(next - i, ring.length)]);
        }
        return newest;
    }

    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return ring.length;
    }

    /** Removes every example of {@code tenant}, keeping the others in order; returns how many were removed. */
    public synchronized int removeTenant(String tenant) {
        List<ReplayExample> kept = new ArrayList<>(size);
        int oldest = size < ring.length ? 0 : next;
        for (int i = 0; i < size; i++) {
            ReplayExample e = ring[(oldest + i) % ring.length];
            if (!e.tenant().equals(tenant)) {
                kept.add(e);
            }
        }
        int removed = size - kept.size();
        Arrays.fill(ring, null);
        byCase.clear();
        for (int i = 0; i < kept.size(); i++) {
            ring[i] = kept.get(i);
            byCase.computeIfAbsent(ring[i].caseId(), id -> new ArrayDeque<>()).addLast(ring[i]);
        }
        size = kept.size();
        next = size % ring.length;
        return removed;
    }

    /** A mini-batch of {@code batchSize} examples drawn uniformly; empty when the buffer is empty. */
    public synchronized List<ReplayExample> sample(int batchSize, RandomGenerator random) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
        }
        List<ReplayExample> batch = new ArrayList<>(size == 0 ? 0 : batchSize);
        for (int i = 0; i < batchSize && size > 0; i++) {
            batch.add(ring[random.nextInt(size)]);
        }
        return batch;
    }

    /**
     * Whole episodes for {@link Credit#SLATE}: examples are drawn uniformly as by {@link #sample}, and each brings
     * the other examples of its episode (they were added one after the other); at least {@code rows} examples
     * unless the buffer holds fewer, each episode once.
     */
    public synchronized List<List<ReplayExample>> sampleEpisodes(int rows, RandomGenerator random) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, was " + rows);
        }
        List<List<ReplayExample>> episodes = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        int total = 0;
        int oldest = size < ring.length ? 0 : next;
        for (int attempt = 0; total < Math.min(rows, size) && attempt < 4 * rows; attempt++) {
            int age = random.nextInt(size);
            ReplayExample drawn = ring[(oldest + age) % ring.length];
            int from = age;
            int to = age;
            if (drawn.episode() != ReplayExample.NO_EPISODE) {
                while (from > 0 && ring[(oldest + from - 1) % ring.length].episode() == drawn.episode()) {
                    from--;
                }
                while (to < size - 1 && ring[(oldest + to + 1) % ring.length].episode() == drawn.episode()) {
                    to++;
                }
            }
            if (!taken.add(from)) {
                continue;
            }
            List<ReplayExample> episode = new ArrayList<>(to - from + 1);
            for (int i = from; i <= to; i++) {
                episode.add(ring[(oldest + i) % ring.length]);
            }
            episodes.add(episode);
            total += episode.size();
        }
        return episodes;
    }
}
