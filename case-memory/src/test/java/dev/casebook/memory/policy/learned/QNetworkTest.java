package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * DJL's gradient collector is one per JVM: without {@link QNetwork#GRADIENTS} the second network's step fails
     * with "A PtGradientCollector is already collecting" while the first one's collector is open. The first step is
     * held open by a hook, not by timing; the test waits until the second step is queued on the lock (or has ended,
     * which is the failure), then lets the first go on.
     */
    @Test
    void two_networks_training_at_once_in_two_threads_take_turns_and_train_as_they_would_alone() throws Exception {
        SyntheticPairs pairs = SyntheticPairs.draw(DIMENSION, 32, new Random(12));
        float[][] alone = new float[2][];
        for (int i = 0; i < 2; i++) {
            try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION), 20 + i)) {
                network.train(pairs.features(), pairs.rewards(), pairs.rows());
                alone[i] = network.score(pairs.features(), pairs.rows());
            }
        }
        try (QNetwork first = QNetwork.create(QNetwork.Settings.defaults(DIMENSION), 20);
                QNetwork second = QNetwork.create(QNetwork.Settings.defaults(DIMENSION), 21)) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            first.whileCollecting(() -> {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            AtomicReference<Throwable> secondFailure = new AtomicReference<>();
            Thread a = Thread.ofPlatform().start(() -> train(first, pairs, firstFailure));
            assertThat(entered.await(60, TimeUnit.SECONDS)).as("first step entered its collector").isTrue();
            Thread b = Thread.ofPlatform().start(() -> train(second, pairs, secondFailure));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!QNetwork.GRADIENTS.hasQueuedThread(b) && b.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
            a.join(Duration.ofSeconds(60));
            b.join(Duration.ofSeconds(60));

            assertThat(secondFailure.get()).as("the second step").isNull();
            assertThat(firstFailure.get()).as("the first step").isNull();
            assertThat(first.steps()).isEqualTo(1);
            assertThat(second.steps()).isEqualTo(1);
            assertThat(first.score(pairs.features(), pairs.rows())).containsExactly(alone[0]);
            assertThat(second.score(pairs.features(), pairs.rows())).containsExactly(alone[1]);
        }
    }

    private static void train(QNetwork network, SyntheticPairs pairs, AtomicReference<Throwable> failure) {
        try {
            network.train(pairs.features(), pairs.rewards(), pairs.rows());
        } catch (Throwable t) {
            failure.set(t);
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
        int width = PairFeatures.width(DIMENSION);
        try (QNetwork network = QNetwork.create(QNetwork.Settings.defaults(DIMENSION))) {
            assertThatThrownBy(() -> network.score(new float[width + 1], 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("features hold " + (width + 1) + " values, expected 1 rows of width " + width);
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
