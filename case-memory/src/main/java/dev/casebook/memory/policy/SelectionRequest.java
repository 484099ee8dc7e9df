package dev.casebook.memory.policy;

import dev.casebook.memory.CaseFilter;
import java.util.Objects;

/**
 * What a policy needs to choose cases for one task: the task text, its embedding (the state), the filter (tenant,
 * leave-one-out exclusions) and how many cases to pick.
 */
public record SelectionRequest(String task, float[] state, CaseFilter filter, int k) {
    public SelectionRequest {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(filter, "filter");
        if (k < 0 || k > 64) {
            throw new IllegalArgumentException("k must be within [0, 64], was " + k);
        }
    }
}
