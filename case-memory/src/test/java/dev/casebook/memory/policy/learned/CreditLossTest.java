package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.CaseLabel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credit in the simulator's situation: a helpful case A and a look-alike B of the same task. Shown together they
 * succeed half the time (A helps, B misleads), A alone three times in four, B alone one time in ten.
 */
class CreditLossTest {

    private static final int DIMENSION = 8;
    private static final float[] STATE = SyntheticPairs.unit(DIMENSION, new Random(1));
    private static final float[] A = SyntheticPairs.unit(DIMENSION, new Random(2));
    private static final float[] B = SyntheticPairs.unit(DIMENSION, new Random(3));

    /** Episodes as lists of case vectors, and their rewards. */
    private record Episodes(List<List<float[]>> shown, List<Float> rewards) {
        static Episodes simulatorLike() {
            Episodes e = new Episodes(new ArrayList<>(), new ArrayList<>());
            e.add(List.of(A, B), 10, 20);
            e.add(List.of(A), 15, 20);
            e.add(List.of(B), 2, 20);
            return e;
        }

        void add(List<float[]> cases, int successes, int total) {
            for (int i = 0; i < total; i++) {
                shown.add(cases);
                rewards.add(i < successes ? 1f : 0f);
            }
        }

        int rows() {
            return shown.stream().mapToInt(List::size).sum();
        }
    }

    private static float[] row(float[] kase) {
        float[] out = new float[PairFeatures.width(DIMENSION)];
        PairFeatures.write(STATE, kase, 0, 0, CaseLabel.POSITIVE, out, 0);
        return out;
    }

    private static float[] features(Episodes episodes) {
        int width = PairFeatures.width(DIMENSION);
        float[] features = new float[episodes.rows() * width];
        int r = 0;
        for (List<float[]> shown : episodes.shown()) {
            for (float[] kase : shown) {
                System.arraycopy(row(kase), 0, features, r++ * width, width);
            }
        }
        return features;
    }

    /** σ(Q_A) − σ(Q_B) after full-batch training with {@code credit}. */
    private static double gap(Credit credit) {
        Episodes episodes = Episodes.simulatorLike();
        float[] features = features(episodes);
        int rows = episodes.rows();
        float[] perRow = new float[rows];
        float[] membership = new float[episodes.shown().size() * rows];
        int r = 0;
        for (int e = 0; e < episodes.shown().size(); e++) {
            for (int i = 0; i < episodes.shown().get(e).size(); i++) {
                perRow[r] = episodes.rewards().get(e);
                membership[e * rows + r] = 1;
                r++;
            }
        }
        float[] rewards = new float[episodes.rewards().size()];
        for (int e = 0; e < rewards.length; e++) {
            rewards[e] = episodes.rewards().get(e);
        }
        try (QNetwork network = QNetwork.create(new QNetwork.Settings(DIMENSION, 16, 1e-2f), 3)) {
            for (int step = 0; step < 300; step++) {
                if (credit == Credit.SLATE) {
                    network.step(features, rows, (m, logits) -> CreditLoss.noisyOr(m, logits, membership, rewards));
                } else {
                    network.train(features, perRow, rows);
                }
            }
            float[] q = network.score(concat(row(A), row(B)), 2);
            return ShortlistSelector.sigmoid(q[0]) - ShortlistSelector.sigmoid(q[1]);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void per_case_credit_gives_the_look_alike_half_the_shared_successes() {
        // A: (10 + 15) / 40 successes when shown; B: (10 + 2) / 40
        assertThat(gap(Credit.CASE)).isCloseTo(13.0 / 40, within(0.03));
    }

    @Test
    void noisy_or_credit_explains_shared_successes_by_the_helpful_case() {
        assertThat(gap(Credit.SLATE)).isGreaterThan(gap(Credit.CASE) + 0.2);
    }

    @Test
    void inverse_propensity_weights_are_clipped_and_average_one() {
        List<ReplayExample> batch = List.of(example(1), example(0.5), example(0.01));

        float[] weights = ReplayTrainer.inversePropensityWeights(batch);

        // 1, 2 and 1/0.01 = 100 clipped to 10, scaled by 3 / 13
        assertThat(weights[0]).isCloseTo(3f / 13, within(1e-6f));
        assertThat(weights[1]).isCloseTo(6f / 13, within(1e-6f));
        assertThat(weights[2]).isCloseTo(30f / 13, within(1e-6f));
    }

    @Test
    void weighted_cross_entropy_with_unit_weights_is_the_networks_loss() {
        Episodes episodes = Episodes.simulatorLike();
        float[] features = features(episodes);
        int rows = episodes.rows();
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 3 == 0 ? 1 : 0;
        }
        float[] ones = new float[rows];
        Arrays.fill(ones, 1);
        try (QNetwork a = QNetwork.create(new QNetwork.Settings(DIMENSION, 16, 1e-2f), 3);
                QNetwork b = QNetwork.create(new QNetwork.Settings(DIMENSION, 16, 1e-2f), 3)) {
            float reference = a.train(features, labels, rows);
            float weighted = b.step(features, rows,
                    (m, logits) -> CreditLoss.weightedCrossEntropy(m, logits, labels, ones));
            assertThat(weighted).isCloseTo(reference, within(1e-5f));
            assertThat(b.score(features, rows)).containsExactly(a.score(features, rows), within(1e-5f));
        }
    }

    private static ReplayExample example(double propensity) {
        return new ReplayExample("t", STATE, UUID.randomUUID(), A, 0, 0, CaseLabel.POSITIVE, 1, 0, propensity);
    }
}
