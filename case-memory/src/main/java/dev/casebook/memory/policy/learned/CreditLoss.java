package dev.casebook.memory.policy.learned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** The losses of {@link Credit}, over a mini-batch's logits ({@code rows × 1}). */
final class CreditLoss {

    private static final float TINY = 1e-6f;

    private CreditLoss() {
    }

    /** {@code −log(1 − σ(x))}, stably: {@code max(x, 0) + log(1 + e^−|x|)}. */
    private static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(x.abs().neg().exp().add(1f).log());
    }

    /** Binary cross-entropy per row weighted by {@code weights}, averaged. */
    static NDArray weightedCrossEntropy(NDManager manager, NDArray logits, float[] labels, float[] weights) {
        int rows = labels.length;
        NDArray y = manager.create(labels, new Shape(rows, 1));
        NDArray w = manager.create(weights, new Shape(rows, 1));
        NDArray perRow = softplus(logits).sub(logits.mul(y));
        return perRow.mul(w).mean();
    }

    /**
     * Noisy-OR per episode: {@code membership} is {@code episodes × rows} (1 where the row's case was shown in the
     * episode); the episode succeeds with {@code 1 − Π (1 − σ(x_i))}, i.e. {@code log(1 − P) = −Σ softplus(x_i)};
     * binary cross-entropy on the episodes' rewards, averaged over episodes.
     */
    static NDArray noisyOr(NDManager manager, NDArray logits, float[] membership, float[] episodeRewards) {
        float[] unit = new float[episodeRewards.length];
        Arrays.fill(unit, 1f);
        return noisyOr(manager, logits, membership, episodeRewards, unit);
    }

    /** As {@link #noisyOr(NDManager, NDArray, float[], float[])}, each episode's loss multiplied by its weight. */
    static NDArray noisyOr(NDManager manager, NDArray logits, float[] membership, float[] episodeRewards,
            float[] episodeWeights) {
        int episodes = episodeRewards.length;
        int rows = membership.length / episodes;
        NDArray g = manager.create(membership, new Shape(episodes, rows));
        NDArray y = manager.create(episodeRewards, new Shape(episodes, 1));
        NDArray w = manager.create(episodeWeights, new Shape(episodes, 1));
        NDArray failAll = g.matMul(softplus(logits)).maximum(TINY);
        NDArray logSuccess = failAll.neg().exp().neg().add(1f).maximum(TINY).log();
        return failAll.mul(y.neg().add(1f)).sub(logSuccess.mul(y)).mul(w).mean();
    }
}
