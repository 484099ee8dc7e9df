package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.policy.learned.RankingMetrics;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoostedTreesTest {

    /** y = (x0 > 0.5) XOR (x1 > 0.5); x2 is noise. */
    private static double[][] xs(int n, Random random) {
        double[][] x = new double[n][3];
        for (double[] row : x) {
            for (int j = 0; j < 3; j++) {
                row[j] = random.nextDouble();
            }
        }
        return x;
    }

    private static boolean[] xor(double[][] x) {
        boolean[] y = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i][0] > 0.5) ^ (x[i][1] > 0.5);
        }
        return y;
    }

    private static double auc(BoostedTrees model, double[][] x, boolean[] y) {
        double[] scores = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            scores[i] = model.score(x[i]);
        }
        return RankingMetrics.rocAuc(scores, y);
    }

    @Test
    void depth_two_trees_learn_an_interaction_that_stumps_cannot() {
        double[][] train = xs(400, new Random(1));
        double[][] test = xs(400, new Random(2));

        BoostedTrees deep = BoostedTrees.fit(train, xor(train), new BoostedTrees.Settings(100, 2, 10, 0.1));
        BoostedTrees stumps = BoostedTrees.fit(train, xor(train), new BoostedTrees.Settings(100, 1, 10, 0.1));

        assertThat(auc(deep, test, xor(test))).isGreaterThan(0.95);
        assertThat(auc(stumps, test, xor(test))).isLessThan(0.7);
    }

    @Test
    void the_score_after_zero_trees_is_the_prior_log_odds() {
        double[][] x = xs(100, new Random(3));
        boolean[] y = new boolean[100];
        for (int i = 0; i < 25; i++) {
            y[i] = true;
        }

        BoostedTrees model = BoostedTrees.fit(x, y, new BoostedTrees.Settings(5, 1, 5, 0.1));

        assertThat(model.score(x[0], 0)).isCloseTo(Math.log(25.0 / 75), org.assertj.core.data.Offset.offset(1e-12));
    }
}
