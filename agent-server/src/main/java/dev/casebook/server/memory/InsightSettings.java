package dev.casebook.server.memory;

import dev.casebook.memory.insight.FamilyRule;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Distilled insights shown to the planner, bound from {@code casebook.memory.insights.*}.
 *
 * @param enabled       whether the server distils insights when real cases are rated ({@link InsightTrigger}) and
 *                      the planner is shown the insights of the task's family (default false: a distillation is an
 *                      extra planner call, a wrong lesson is shown to its whole family until revised, and the gain
 *                      is measured only on the simulator, see docs/memory.md#insights)
 * @param dir           the Lucene directory of insights beside a Lucene case store (default {@code ./data/insights});
 *                      with {@code store: pgvector} they live in the {@code insights} table (V84)
 * @param k             at most this many insights per task (default 2)
 * @param minSimilarity the cosine between the task's vector and an insight's family centroid from which the insight
 *                      is the task's family's (default 0.7)
 * @param familySimilarity  a rated case's family is the tenant's rated real cases of its bank whose task has at
 *                          least this cosine with its task (default 0.8)
 * @param minFamilySize     a family is distilled once it has at least this many members, one of them a success
 *                          (default 3)
 * @param maxShown          the distiller is shown at most this many successes and as many failures (default 5)
 */
@ConfigurationProperties("casebook.memory.insights")
record InsightSettings(Boolean enabled, Path dir, Integer k, Double minSimilarity, Double familySimilarity,
        Integer minFamilySize, Integer maxShown) {

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
        familySimilarity = familySimilarity == null ? FamilyRule.DEFAULT.similarity() : familySimilarity;
        if (familySimilarity.isNaN() || familySimilarity < -1 || familySimilarity > 1) {
            throw new IllegalArgumentException(
                    "casebook.memory.insights.family-similarity must be within [-1, 1], was " + familySimilarity);
        }
        minFamilySize = minFamilySize == null ? FamilyRule.DEFAULT.minSize() : minFamilySize;
        if (minFamilySize < 1) {
            throw new IllegalArgumentException(
                    "casebook.memory.insights.min-family-size must be positive, was " + minFamilySize);
        }
        maxShown = maxShown == null ? InsightDistiller.MAX_SHOWN : maxShown;
        if (maxShown < 1) {
            throw new IllegalArgumentException("casebook.memory.insights.max-shown must be positive, was " + maxShown);
        }
    }

    /** The rule that makes a rated case's family ({@code family-similarity}, {@code min-family-size}). */
    FamilyRule familyRule() {
        return new FamilyRule(familySimilarity, minFamilySize);
    }
}
