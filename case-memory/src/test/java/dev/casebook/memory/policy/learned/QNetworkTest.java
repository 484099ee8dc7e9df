package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class QNetworkTest {

    private static final int DIMENSION = 8;

    @Test
    void learns_a_separable_rule_and_ranks_held_out_pairs() {
        Random random = new Random(11);
        SyntheticPairs train = SyntheticPairs.draw(DIMENSION, 2048, random);
        SyntheticPairs heldOut = SyntheticPairs.draw(DIMENSION, 1000, random);
        try (QNetwork network = QNetwork.create(new QNetwork.Settings(DIMENSION, 64, 3e-3f))) {
            double before = auc(network, heldOut);
            float firstEpochLoss = 0;
            float lastEpochLoss = 0;
            int batch = 64;
            int epochs = 30;
            for (int epoch = 0; epoch < epochs; epoch++) {
                float epochLoss = 0;
                for (int from = 0; from < train.rows(); from += batch) {
                    SyntheticPairs b = train.slice(from, batch);
                    epochLoss += network.train(b.features(), b.rewards(), b.rows());
                }
                if (epoch == 0) {
                    firstEpochLoss = epochLoss;
                }
                lastEpochLoss = epochLoss;
            }

            assertThat(lastEpochLoss).isLessThan(firstEpochLoss * 0.5f);
            assertThat(network.steps()).isEqualTo((long) epochs * train.rows() / batch);
            double after = auc(network, heldOut);
            assertThat(after).isGreaterThan(0.9).isGreaterThan(before);
        }
    }

    @Test
    void batched_scores_equal_one_by_one_scores() {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 64, new Random(3));
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION))) {
            network.train(pairs.features(), pairs.rewards(), pairs.rows());
            float[] batched = network.score(pairs.features(), pairs.rows());

            assertThat(batched).hasSize(64);
            for (int r = 0; r < pairs.rows(); r++) {
                assertThat(network.score(pairs.row(r), 1)[0]).isCloseTo(batched[r], within(1e-5f));
            }
        }
    }

    @Test
    void rejects_features_that_do_not_fill_whole_rows() {
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION))) {
            assertThatThrownBy(() -> network.score(new float[PairFeatures.width(DIMENSION) + 1], 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("features hold 36 values, expected 1 rows of width 35");
        }
    }

    private static double auc(QNetwork network, SyntheticPairs pairs) {
        float[] logits = network.score(pairs.features(), pairs.rows());
        double[] scores = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            scores[i] = logits[i];
        }
        return RankingMetrics.rocAuc(scores, pairs.truth());
    }
}
