package dev.casebook.memory.policy.learned;

import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.util.Objects;

/**
 * The Q-network's input for one (state, case) pair: how the two embeddings relate, {@code [s⊙c, |s−c|]}, then the
 * cosine similarity of {@code s} and {@code c}, three case statistics (log of uses, smoothed success rate, label
 * as +1/−1), the case's source one-hot (real, synthetic, sandbox) and its {@code confirmed} bit (1 when a real
 * outcome confirmed a synthetic or sandbox case). Its width is {@code 2 * dimension + 8}; the cosine sits at
 * {@link #cosineIndex}.
 *
 * <p>The raw embeddings are left out on purpose: a term of the state alone shifts every candidate of a task by the
 * same amount, so it cannot change which case is chosen, and a term of the case alone repeats what the statistics
 * say about the case while spreading its value to its embedding neighbours, which are often cases of the same
 * wording but not of the same use. Both benchmarks agreed (docs/policy.md).
 */
public final class PairFeatures {

    /**
     * Version of this layout, recorded in checkpoints: a network trained on another layout is refused. Version 1
     * was {@code [s, c, s⊙c, |s−c|]} and the statistics, without the cosine; version 2 had no source nor
     * confirmed bit.
     */
    public static final int LAYOUT_VERSION = 3;

    /**
     * Number of scalars after the two embedding blocks: the cosine, three case statistics, the source one-hot and the
     * confirmed bit.
     */
    public static final int SCALARS = 8;

    private PairFeatures() {
    }

    public static int width(int dimension) {
        return 2 * dimension + SCALARS;
    }

    /** Where in a row of {@code dimension}-dimensional embeddings the cosine similarity is. */
    public static int cosineIndex(int dimension) {
        return 2 * dimension;
    }

    /** As {@link #write(float[], float[], int, int, CaseLabel, CaseSource, boolean, float[], int)} for a real case. */
    public static void write(float[] state, float[] caseVector, int uses, int successes, CaseLabel label,
            float[] out, int offset) {
        write(state, caseVector, uses, successes, label, CaseSource.REAL, false, out, offset);
    }

    /** Writes the pair's features into {@code out} at {@code offset}. */
    public static void write(float[] state, float[] caseVector, int uses, int successes, CaseLabel label,
            CaseSource source, boolean confirmed, float[] out, int offset) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(source, "source");
        int d = state.length;
        if (caseVector.length != d) {
            throw new IllegalArgumentException(
                    "case vector has dimension " + caseVector.length + " but the state has " + d);
        }
        if (uses < 0 || successes < 0 || successes > uses) {
            throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
        }
        double dot = 0;
        double stateNorm = 0;
        double caseNorm = 0;
        for (int i = 0; i < d; i++) {
            out[offset + i] = state[i] * caseVector[i];
            out[offset + d + i] = Math.abs(state[i] - caseVector[i]);
            dot += state[i] * caseVector[i];
            stateNorm += state[i] * state[i];
            caseNorm += caseVector[i] * caseVector[i];
        }
        double norms = Math.sqrt(stateNorm * caseNorm);
        out[offset + 2 * d] = norms == 0 ? 0f : (float) (dot / norms);
        out[offset + 2 * d + 1] = (float) Math.log1p(uses);
        out[offset + 2 * d + 2] = (successes + 1f) / (uses + 2f);
        out[offset + 2 * d + 3] = label == CaseLabel.POSITIVE ? 1f : -1f;
        out[offset + 2 * d + 4] = source == CaseSource.REAL ? 1f : 0f;
        out[offset + 2 * d + 5] = source == CaseSource.SYNTHETIC ? 1f : 0f;
        out[offset + 2 * d + 6] = source == CaseSource.SANDBOX ? 1f : 0f;
        out[offset + 2 * d + 7] = confirmed ? 1f : 0f;
    }
}
