package dev.casebook.memory.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import java.util.Objects;

/**
 * What a policy needs to choose cases for one task: the task text, its embedding (the state), the filter (tenant,
 * leave-one-out exclusions), how many cases to pick, the synthetic prior: the factor by which the similarity of
 * a {@link Case#provisional() provisional} synthetic case (simulated practice that no real
 * outcome confirmed yet) is multiplied before cases are ranked (1 leaves it as it is), and {@code maxProvisional}:
 * at most this many provisional cases among the K; once that many are taken the next candidate of another kind takes
 * the place ({@link #NO_QUOTA} for no bound).
 */
public record SelectionRequest(String task, float[] state, CaseFilter filter, int k, double syntheticPrior,
        int maxProvisional) {
    /** No bound on the provisional cases among the K. */
    public static final int NO_QUOTA = Integer.MAX_VALUE;

    public SelectionRequest {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(filter, "filter");
        if (k < 0 || k > 64) {
            throw new IllegalArgumentException("k must be within [0, 64], was " + k);
        }
        if (!(syntheticPrior > 0 && syntheticPrior <= 1)) {
            throw new IllegalArgumentException("syntheticPrior must be within (0, 1], was " + syntheticPrior);
        }
        if (maxProvisional < 0) {
            throw new IllegalArgumentException("maxProvisional must not be negative, was " + maxProvisional);
        }
    }

    /** A request with no bound on the provisional cases among the K. */
    public SelectionRequest(String task, float[] state, CaseFilter filter, int k, double syntheticPrior) {
        this(task, state, filter, k, syntheticPrior, NO_QUOTA);
    }

    /** A request that ranks synthetic cases by their similarity alone (synthetic prior 1). */
    public SelectionRequest(String task, float[] state, CaseFilter filter, int k) {
        this(task, state, filter, k, 1, NO_QUOTA);
    }

    /** The similarity {@code score} of {@code value} with the synthetic prior applied when it is provisional. */
    public double prior(Case value, double score) {
        return value.provisional() ? score * syntheticPrior : score;
    }
}
