package dev.casebook.memory.policy.learned;

import dev.casebook.memory.CaseLabel;
import java.util.Objects;

/**
 * The Q-network's input for one (state, case) pair: {@code [s, c, s⊙c, |s−c|]} followed by three case statistics
 * (log of uses, smoothed success rate, label as +1/−1). Its width is {@code 4 * dimension + 3}.
 */
public final class PairFeatures {

    /** Version of this layout, recorded in checkpoints: a network trained on another layout is refused. */
    public static final int LAYOUT_VERSION = 1;

    /** Number of case statistics appended after the four embedding blocks. */
    public static final int STATISTICS = 3;

    private PairFeatures() {
    }

    public static int width(int dimension) {
        return 4 * dimension + STATISTICS;
    }

    /** Writes the pair's features into {@code out} at {@code offset}. */
    public static void write(float[] state, float[] caseVector, int uses, int successes, CaseLabel label,
            float[] out, int offset) {
        Objects.requireNonNull(label, "label");
        int d = state.length;
        if (caseVector.length != d) {
            throw new IllegalArgumentException(
                    "case vector has dimension " + caseVector.length + " but the state has " + d);
        }
        if (uses < 0 || successes < 0 || successes > uses) {
            throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
        }
        for (int i = 0; i < d; i++) {
            out[offset + i] = state[i];
            out[offset + d + i] = caseVector[i];
            out[offset + 2 * d + i] = state[i] * caseVector[i];
            out[offset + 3 * d + i] = Math.abs(state[i] - caseVector[i]);
        }
        out[offset + 4 * d] = (float) Math.log1p(uses);
        out[offset + 4 * d + 1] = (successes + 1f) / (uses + 2f);
        out[offset + 4 * d + 2] = label == CaseLabel.POSITIVE ? 1f : -1f;
    }
}
