package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.CaseLabel;
import org.junit.jupiter.api.Test;

class SimilarityPriorTest {

    @Test
    void standardises_the_cosines_over_the_shortlist_and_scales_them_by_the_weight() {
        // cosines 1, 0 and -1 with the state (1, 0): mean 0, standard deviation sqrt(2/3)
        float[] features = rows(new float[] {1f, 0f}, new float[] {0f, 1f}, new float[] {-1f, 0f});

        double[] prior = SimilarityPrior.of(features, 2, 3, 2.0);

        double z = 1 / Math.sqrt(2.0 / 3);
        assertThat(prior[0]).isCloseTo(2 * z, within(1e-6));
        assertThat(prior[1]).isCloseTo(0, within(1e-6));
        assertThat(prior[2]).isCloseTo(-2 * z, within(1e-6));
    }

    @Test
    void the_same_gaps_give_the_same_prior_whatever_the_spread_of_the_cosines() {
        float[] wide = rows(new float[] {1f, 0f}, new float[] {0f, 1f});
        float[] narrow = rows(new float[] {1f, 0.1f}, new float[] {1f, 0.2f});

        assertThat(SimilarityPrior.of(wide, 2, 2, 1.0)).containsExactly(new double[] {1, -1}, within(1e-6));
        assertThat(SimilarityPrior.of(narrow, 2, 2, 1.0)).containsExactly(new double[] {1, -1}, within(1e-6));
    }

    @Test
    void is_zero_when_the_cosines_do_not_vary() {
        assertThat(SimilarityPrior.of(rows(new float[] {1f, 1f}, new float[] {2f, 2f}), 2, 2, 1.0))
                .containsExactly(0, 0);
        assertThat(SimilarityPrior.of(rows(new float[] {1f, 0f}), 2, 1, 1.0)).containsExactly(0);
    }

    /** Feature rows of the state (1, 0) with each of {@code cases}. */
    private static float[] rows(float[]... cases) {
        int width = PairFeatures.width(2);
        float[] features = new float[cases.length * width];
        for (int i = 0; i < cases.length; i++) {
            PairFeatures.write(new float[] {1f, 0f}, cases[i], 0, 0, CaseLabel.POSITIVE, features, i * width);
        }
        return features;
    }
}
