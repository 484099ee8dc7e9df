package dev.casebook.bench.policy;

import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.insight.FamilyRule;
import dev.casebook.memory.lucene.LuceneCaseStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The server's insight trigger in the simulator: every finished episode is written as the server writes a scored
 * real task (through the {@link MemoryWriter}, source real, rater scorer, merged into a near-duplicate case from
 * {@code duplicateThreshold}), and its case's family is then read by the server's own {@link FamilyRule}. The
 * episodes' cases live in a store of their own, apart from the simulator's bank of cases (which holds no real
 * cases, so the rule would skip them anyway, and whose arms stay unchanged). The server distils in the background,
 * one family at a time, coalescing ratings that arrive meanwhile; here a rating's distillation ends before the next
 * episode starts, the case of a model that distils faster than tasks arrive.
 */
final class ServerTrigger implements AutoCloseable {

    /** The simulator's tasks have no text of their own: "task N" is embedded as the episode's task vector. */
    private static final class TaskVectors implements Embedder {
        private final Map<String, float[]> vectors = new HashMap<>();
        private final int dimension;

        TaskVectors(int dimension) {
            this.dimension = dimension;
        }

        @Override
        public String modelId() {
            return "simulator-" + dimension;
        }

        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public float[] embed(String text) {
            float[] v = vectors.get(text);
            if (v == null) {
                throw new IllegalArgumentException("no task vector for '" + text + "'");
            }
            return v.clone();
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(this::embed).toList();
        }
    }

    private final LuceneCaseStore episodes;
    private final MemoryWriter writer;
    private final TaskVectors embedder;
    private final FamilyRule rule;

    ServerTrigger(Path dir, int dimension, FamilyRule rule, double duplicateThreshold) {
        this.episodes = LuceneCaseStore.open(dir, new EmbeddingSpace("simulator-" + dimension, dimension));
        this.writer = new MemoryWriter(episodes, duplicateThreshold, MemoryWriter.Banks.ALL_WRITABLE);
        this.embedder = new TaskVectors(dimension);
        this.rule = rule;
    }

    FamilyRule rule() {
        return rule;
    }

    /** Writes the scored episode as the server would, and returns its case's family by the server's rule. */
    FamilyRule.Family rated(long taskId, float[] state, String plan, boolean success) {
        String task = "task " + taskId;
        embedder.vectors.put(task, state.clone());
        UUID id = writer.remember(new MemoryWriter.Episode("task-" + taskId, SimulatedWorld.TENANT, task, state, plan,
                success ? "right" : "wrong", success ? 1 : 0, Rater.SCORER, CaseSource.REAL, "", null, List.of()),
                new UUID(1, taskId)).value().id();
        return rule.familyOf(episodes, embedder, SimulatedWorld.TENANT, id);
    }

    /** How many cases the episodes became (fewer than the episodes when near-duplicates merged). */
    long cases() {
        return episodes.count(CaseFilter.tenant(SimulatedWorld.TENANT));
    }

    @Override
    public void close() {
        episodes.close();
    }
}
