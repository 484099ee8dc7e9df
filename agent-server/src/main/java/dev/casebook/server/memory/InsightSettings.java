package dev.casebook.server.memory;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Distilled insights shown to the planner, bound from {@code casebook.memory.insights.*}.
 *
 * @param enabled       whether the planner is shown the insights of the task's family (default false: insights
 *                      cost a distilling LLM call per family, and the simulator shows they help only where the
 *                      distiller saw successes, see docs/policy.md)
 * @param dir           the Lucene directory of insights beside a Lucene case store (default {@code ./data/insights});
 *                      with {@code store: pgvector} they live in the {@code insights} table (V84)
 * @param k             at most this many insights per task (default 2)
 * @param minSimilarity the cosine between the task's vector and an insight's family centroid from which the insight
 *                      is the task's family's (default 0.7)
 */
@ConfigurationProperties("casebook.memory.insights")
record InsightSettings(Boolean enabled, Path dir, Integer k, Double minSimilarity) {

    InsightSettings {
        enabled = enabled != null && enabled;
        dir = dir == null ? Path.of("data", "insights") : dir;
        k = k == null ? 2 : k;
        if (k < 1) {
            throw new IllegalArgumentException("casebook.memory.insights.k must be positive, was " + k);
        }
        minSimilarity = minSimilarity == null ? 0.7 : minSimilarity;
        if (minSimilarity.isNaN() || minSimilarity < -1 || minSimilarity > 1) {
            throw new IllegalArgumentException(
                    "casebook.memory.insights.min-similarity must be within [-1, 1], was " + minSimilarity);
        }
    }
}
