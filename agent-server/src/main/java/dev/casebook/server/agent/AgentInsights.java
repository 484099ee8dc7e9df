package dev.casebook.server.agent;

import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightQuery;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.insight.ScoredInsight;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The insights the planner is shown ({@code casebook.memory.insights.*}): at most {@code k} of the tenant's insights
 * whose family centroid has a cosine of at least {@code minSimilarity} with the task's vector.
 */
public record AgentInsights(InsightStore store, int k, double minSimilarity) {

    public AgentInsights {
        Objects.requireNonNull(store, "store");
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive, was " + k);
        }
    }

    /** The insights of the task's family, best first. */
    List<Insight> find(String tenant, Set<String> banks, float[] state) {
        return findScored(tenant, banks, state).stream().map(ScoredInsight::value).toList();
    }

    /** The insights of the task's family with the cosine of their centroid to the task, best first. */
    List<ScoredInsight> findScored(String tenant, Set<String> banks, float[] state) {
        return store.nearest(new InsightQuery(tenant, banks, state, k, minSimilarity));
    }
}
