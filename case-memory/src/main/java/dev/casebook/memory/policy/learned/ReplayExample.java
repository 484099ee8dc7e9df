package dev.casebook.memory.policy.learned;

import dev.casebook.memory.CaseLabel;
import java.util.Objects;
import java.util.UUID;

/**
 * One training example for the learned policy: the task state (its embedding), a case that was selected for it as
 * the network saw it at selection time (its embedding, counts and label) and the binary reward of the episode
 * (1 = success).
 */
public record ReplayExample(float[] state, UUID caseId, float[] caseVector, int uses, int successes, CaseLabel label,
        double reward) {
    public ReplayExample {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(caseVector, "caseVector");
        Objects.requireNonNull(label, "label");
        if (state.length == 0) {
            throw new IllegalArgumentException("state must not be empty");
        }
        if (caseVector.length != state.length) {
            throw new IllegalArgumentException(
                    "case vector has dimension " + caseVector.length + " but the state has " + state.length);
        }
        if (uses < 0 || successes < 0 || successes > uses) {
            throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
        }
        if (!(reward >= 0.0 && reward <= 1.0)) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        state = state.clone();
        caseVector = caseVector.clone();
    }

    @Override
    public float[] state() {
        return state.clone();
    }

    @Override
    public float[] caseVector() {
        return caseVector.clone();
    }

    /** Writes this pair's {@link PairFeatures} into {@code out} at {@code offset}. */
    public void writeFeatures(float[] out, int offset) {
        PairFeatures.write(state, caseVector, uses, successes, label, out, offset);
    }
}
