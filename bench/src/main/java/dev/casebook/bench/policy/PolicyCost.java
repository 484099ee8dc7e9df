package dev.casebook.bench.policy;

import dev.casebook.memory.policy.learned.PairFeatures;
import dev.casebook.memory.policy.learned.QNetwork;
import java.util.Random;

/**
 * What the learned policy costs at the production shape (384-dimensional embeddings, 128 hidden units): one batched
 * forward pass over 64 candidates and one training step on a mini-batch of 32, median of timed repetitions after a
 * warm-up.
 */
record PolicyCost(String device, double scoreMillis, double trainMillis, int dimension) {

    static PolicyCost measure() {
        int dimension = 384;
        Random random = new Random(1);
        float[] candidates = random(64 * PairFeatures.width(dimension), random);
        float[] batch = random(32 * PairFeatures.width(dimension), random);
        float[] rewards = new float[32];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = random.nextBoolean() ? 1 : 0;
        }
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(dimension))) {
            double score = median(200, () -> network.score(candidates, 64));
            double train = median(200, () -> network.train(batch, rewards, 32));
            return new PolicyCost(network.device().toString(), score, train, dimension);
        }
    }

    String format() {
        return String.format("cost on %s (d=%d, 128 hidden): score 64 candidates %.2f ms, train one mini-batch of 32"
                + " %.2f ms (median of 200)%n", device, dimension, scoreMillis, trainMillis);
    }

    private static double median(int repetitions, Runnable action) {
        for (int i = 0; i < 20; i++) {
            action.run();
        }
        double[] ms = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            action.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(ms);
        return ms[repetitions / 2];
    }

    private static float[] random(int n, Random random) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
