package dev.casebook.memory.policy.learned;

import java.util.Objects;
import java.util.UUID;

/**
 * One training example for the learned policy: the task state (its embedding), a case that was selected for it and
 * the binary reward of the episode (1 = success).
 */
public record ReplayExample(float[] state, UUID caseId, double reward) {
    public ReplayExample {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(caseId, "caseId");
        if (state.length == 0) {
            throw new IllegalArgumentException("state must not be empty");
        }
        if (!(reward >= 0.0 && reward <= 1.0)) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        state = state.clone();
    }

    @Override
    public float[] state() {
        return state.clone();
    }
}
