package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import dev.casebook.memory.embedding.Embedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Case vectors from the embedder, of the case's task text (what the stores embed), kept in a bounded LRU cache by
 * case id and text so a shortlist of 64 is embedded once, not on every selection.
 */
public final class EmbeddedCaseVectors implements CaseVectors {

    private final Embedder embedder;
    private final Map<Key, float[]> cache;

    private record Key(UUID id, String task) {
    }

    public EmbeddedCaseVectors(Embedder embedder, int capacity) {
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public List<float[]> vectors(List<Case> cases) {
        float[][] out = new float[cases.size()][];
        List<Integer> missing = new ArrayList<>();
        synchronized (cache) {
            for (int i = 0; i < out.length; i++) {
                out[i] = cache.get(key(cases.get(i)));
                if (out[i] == null) {
                    missing.add(i);
                }
            }
        }
        if (!missing.isEmpty()) {
            List<float[]> embedded = embedder.embedAll(missing.stream().map(i -> cases.get(i).task()).toList());
            synchronized (cache) {
                for (int j = 0; j < missing.size(); j++) {
                    int i = missing.get(j);
                    out[i] = embedded.get(j);
                    cache.put(key(cases.get(i)), out[i]);
                }
            }
        }
        return List.of(out);
    }

    private static Key key(Case c) {
        return new Key(c.id(), c.task());
    }
}
