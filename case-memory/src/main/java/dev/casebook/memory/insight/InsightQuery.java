package dev.casebook.memory.insight;

import java.util.Objects;
import java.util.Set;

/**
 * The insights of a task's family: those of {@code tenant} (and of {@code banks}, all when empty) whose centroid has a
 * cosine similarity of at least {@code minSimilarity} with {@code task}, the {@code k} most similar first.
 */
public record InsightQuery(String tenant, Set<String> banks, float[] task, int k, double minSimilarity) {

    public InsightQuery {
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("an insight query needs a tenant");
        }
        banks = Set.copyOf(Objects.requireNonNullElse(banks, Set.of()));
        Objects.requireNonNull(task, "task");
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, was " + k);
        }
        if (minSimilarity < -1 || minSimilarity > 1) {
            throw new IllegalArgumentException("minSimilarity must be within [-1, 1], was " + minSimilarity);
        }
    }
}
