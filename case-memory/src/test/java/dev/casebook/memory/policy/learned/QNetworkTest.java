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
    void an_untrained_network_gives_every_pair_the_same_logit_near_zero() {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 64, new Random(4));
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION), 9)) {
            assertThat(network.score(pairs.features(), pairs.rows())).containsOnly(QNetwork.OUTPUT_BIAS);
        }
    }

    @Test
    void an_untrained_network_learns_from_a_batch_of_failures_alone() {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 32, new Random(6));
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION), 9)) {
            float before = network.train(pairs.features(), new float[pairs.rows()], pairs.rows());
            float after = network.train(pairs.features(), new float[pairs.rows()], pairs.rows());

            assertThat(after).isLessThan(before);
            assertThat(network.score(pairs.features(), pairs.rows())[0]).isNegative();
        }
    }

    @Test
    void the_same_seed_gives_the_same_network_and_another_seed_another() {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 64, new Random(5));
        float[][] scores = new float[3][];
        long[] seeds = {7, 7, 8};
        for (int i = 0; i < seeds.length; i++) {
            try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION), seeds[i])) {
                network.train(pairs.features(), pairs.rewards(), pairs.rows());
                network.train(pairs.features(), pairs.rewards(), pairs.rows());
                scores[i] = network.score(pairs.features(), pairs.rows());
            }
        }
        assertThat(scores[1]).containsExactly(scores[0]);
        assertThat(scores[2]).isNotEqualTo(scores[0]);
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
                    .hasMessage("features hold 21 values, expected 1 rows of width 20");
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
