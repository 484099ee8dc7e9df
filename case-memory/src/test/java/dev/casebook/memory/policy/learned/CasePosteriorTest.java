package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CasePosteriorTest {

    @Test
    void the_network_is_a_prior_worth_prior_strength_episodes_and_evidence_moves_it() {
        CasePosterior none = CasePosterior.of(0.8, 0, 0, 5);
        CasePosterior some = CasePosterior.of(0.8, 10, 1, 5);

        assertThat(none.mean()).isCloseTo(0.8, within(1e-9));
        assertThat(some.alpha()).isCloseTo(5, within(1e-9));
        assertThat(some.beta()).isCloseTo(10, within(1e-9));
        assertThat(some.mean()).isCloseTo(5.0 / 15, within(1e-9));
        assertThat(some.sd()).isLessThan(none.sd());
        assertThat(some.upper(1)).isCloseTo(some.mean() + some.sd(), within(1e-9));
    }

    @Test
    void samples_have_the_posteriors_mean_and_spread_scaled_by_the_strength() {
        CasePosterior posterior = CasePosterior.of(0.3, 6, 4, 4);
        Random random = new Random(9);
        int n = 20_000;
        double sum = 0;
        double squares = 0;
        double halfSquares = 0;
        for (int i = 0; i < n; i++) {
            double x = posterior.sample(1, random);
            sum += x;
            squares += (x - posterior.mean()) * (x - posterior.mean());
            double h = posterior.sample(0.5, random) - posterior.mean();
            halfSquares += h * h;
        }
        assertThat(sum / n).isCloseTo(posterior.mean(), within(0.005));
        assertThat(Math.sqrt(squares / n)).isCloseTo(posterior.sd(), within(0.005));
        assertThat(Math.sqrt(halfSquares / n)).isCloseTo(posterior.sd() / 2, within(0.005));
        assertThat(posterior.sample(0, random)).isEqualTo(posterior.mean());
    }

    @Test
    void gamma_draws_have_their_shapes_mean_below_and_above_one() {
        Random random = new Random(4);
        for (double shape : new double[] {0.3, 1, 7.5}) {
            double sum = 0;
            for (int i = 0; i < 20_000; i++) {
                sum += CasePosterior.gamma(shape, random);
            }
            assertThat(sum / 20_000).isCloseTo(shape, within(0.05 * Math.max(1, shape)));
        }
    }
}
