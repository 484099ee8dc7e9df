package dev.casebook.memory.policy;

import dev.casebook.memory.Case;
import java.util.Objects;

/**
 * A case the policy chose, with the score it was chosen by (similarity, or Q-value for a learned policy) and the
 * role it plays in the planner prompt.
 */
public record SelectedCase(Case value, double score, CaseRole role) {
    public SelectedCase {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(role, "role");
    }
}
