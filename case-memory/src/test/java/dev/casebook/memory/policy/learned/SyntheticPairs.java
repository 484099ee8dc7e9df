package dev.casebook.memory.policy.learned;

import dev.casebook.memory.CaseLabel;
import java.util.Random;

/**
 * Synthetic (state, case) pairs with a rule a Q-network can learn: the pair is rewarded when the first half of the
 * state and case vectors point the same way (their partial dot product is positive).
 */
record SyntheticPairs(float[] features, float[] rewards, int rows) {

    static SyntheticPairs draw(int dimension, int rows, Random random) {
        int width = PairFeatures.width(dimension);
        float[] features = new float[rows * width];
        float[] rewards = new float[rows];
        for (int r = 0; r < rows; r++) {
            float[] state = unit(dimension, random);
            float[] kase = unit(dimension, random);
            double partial = 0;
            for (int i = 0; i < dimension / 2; i++) {
                partial += state[i] * kase[i];
            }
            int uses = random.nextInt(5);
            PairFeatures.write(state, kase, uses, random.nextInt(uses + 1),
                    random.nextBoolean() ? CaseLabel.POSITIVE : CaseLabel.NEGATIVE, features, r * width);
            rewards[r] = partial > 0 ? 1f : 0f;
        }
        return new SyntheticPairs(features, rewards, rows);
    }

    static float[] unit(int dimension, Random random) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dimension; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    float[] row(int r) {
        int width = features.length / rows;
        float[] out = new float[width];
        System.arraycopy(features, r * width, out, 0, width);
        return out;
    }

    boolean[] truth() {
        boolean[] truth = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            truth[r] = rewards[r] > 0.5f;
        }
        return truth;
    }

    /** Rows {@code [from, from + count)} as their own batch. */
    SyntheticPairs slice(int from, int count) {
        int width = features.length / rows;
        float[] f = new float[count * width];
        float[] y = new float[count];
        System.arraycopy(features, from * width, f, 0, count * width);
        System.arraycopy(rewards, from, y, 0, count);
        return new SyntheticPairs(f, y, count);
    }
}
