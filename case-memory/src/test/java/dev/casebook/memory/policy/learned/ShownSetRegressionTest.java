package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Credit over the set shown, on the simulator's situation: a helpful case H and a look-alike L are shown together
 * in most episodes (success half the time: +0.40 for H, −0.25 for L on a base of 0.35); now and then H is shown
 * with a neutral companion X (success 3 in 4) and L with X (success 1 in 10). Each case's own record mixes mostly
 * the same episodes, so H's and L's tallies are close; the regression attributes the difference between the
 * episodes that show H without L and L without H.
 */
class ShownSetRegressionTest {

    private static final float[] TASK = {1, 0, 0};
    private static final LocalEvidence LOCAL = LocalEvidence.records(16, 64);
    private static final int H = 0;
    private static final int L = 1;
    private static final int X = 2;

    private long nextEpisode = 1;

    /** Each case's replay examples: 40 episodes {H, L} (20 successes), 4 {H, X} (3), 10 {L, X} (1). */
    private List<List<ReplayExample>> byCase() {
        List<List<ReplayExample>> byCase = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 40; i++) {
            episode(byCase, i % 2, H, L);
        }
        for (int i = 0; i < 4; i++) {
            episode(byCase, i < 3 ? 1 : 0, H, X);
        }
        for (int i = 0; i < 10; i++) {
            episode(byCase, i < 1 ? 1 : 0, L, X);
        }
        return byCase;
    }

    private void episode(List<List<ReplayExample>> byCase, double reward, int... shown) {
        long episode = nextEpisode++;
        for (int c : shown) {
            byCase.get(c).add(new ReplayExample("acme", TASK, UUID.randomUUID(), new float[] {0, 1, 0}, 0, 0,
                    CaseLabel.POSITIVE, reward, episode, 1, CaseSource.REAL, false, 1));
        }
    }

    private static ShownSetRegression fit(List<List<ReplayExample>> byCase, double priorStrength) {
        return ShownSetRegression.fit(TASK, byCase, LOCAL, new HashMap<>(), new double[3], 0.5, priorStrength);
    }

    @Test
    void the_posterior_separates_cases_shown_together_that_their_own_records_do_not() {
        List<List<ReplayExample>> byCase = byCase();
        ShownSetRegression regression = fit(byCase, 1);

        LocalEvidence.Tally h = LOCAL.tally(TASK, byCase.get(H));
        LocalEvidence.Tally l = LOCAL.tally(TASK, byCase.get(L));
        // per-case records: 23/44 = 0.52 and 21/50 = 0.42
        assertThat(h.successes() / h.trials() - l.successes() / l.trials()).isLessThan(0.11);
        // the regression: H's effect far above L's, L's below X's
        assertThat(regression.effect(H) - regression.effect(L)).isGreaterThan(0.4);
        assertThat(regression.effect(L)).isLessThan(regression.effect(X));
        assertThat(regression.effect(H)).isGreaterThan(regression.effect(X));
    }

    @Test
    void without_evidence_the_effects_are_the_prior_and_draws_spread_around_it() {
        List<List<ReplayExample>> none = List.of(List.of(), List.of(), List.of());
        ShownSetRegression regression = ShownSetRegression.fit(TASK, none, LOCAL, new HashMap<>(),
                new double[] {0.1, -0.2, 0}, 0.4, 4);

        assertThat(regression.effect(0)).isCloseTo(0.1, within(1e-9));
        assertThat(regression.effect(1)).isCloseTo(-0.2, within(1e-9));
        assertThat(regression.intercept()).isCloseTo(0.4, within(1e-9));
        assertThat(regression.sampleEffects(0, new Random(1))).containsExactly(0.1, -0.2, 0.0);
        // sd of a draw: sqrt(σ² / λ) = sqrt(0.25 / 4) = 0.25
        Random random = new Random(7);
        double sumOfSquares = 0;
        int draws = 4000;
        for (int i = 0; i < draws; i++) {
            double d = regression.sampleEffects(1, random)[2];
            sumOfSquares += d * d;
        }
        assertThat(Math.sqrt(sumOfSquares / draws)).isCloseTo(0.25, within(0.01));
    }

    @Test
    void far_episodes_count_nothing() {
        List<List<ReplayExample>> byCase = byCase();
        ShownSetRegression far = ShownSetRegression.fit(new float[] {0, 0, 1}, byCase, LOCAL, new HashMap<>(),
                new double[3], 0.5, 1);

        assertThat(far.effect(H)).isCloseTo(0, within(1e-9));
        assertThat(far.effect(L)).isCloseTo(0, within(1e-9));
    }

    @Test
    void linear_exploration_takes_the_helpful_case_that_the_local_tally_ranks_below_the_look_alike() {
        List<List<ReplayExample>> byCase = byCase();
        List<Case> shortlist = List.of(Case.of("t", "helpful", "", "", 1, CaseSource.REAL),
                Case.of("t", "look-alike", "", "", 1, CaseSource.REAL),
                Case.of("t", "companion", "", "", 1, CaseSource.REAL));
        float[] untrained = {QNetwork.OUTPUT_BIAS, QNetwork.OUTPUT_BIAS, QNetwork.OUTPUT_BIAS};
        // the look-alike more similar by one standard deviation
        double[] prior = {0.2, 1.2, -1.4};
        LocalEvidence.Tally[] records = byCase.stream().map(examples -> LOCAL.tally(TASK, examples))
                .toArray(LocalEvidence.Tally[]::new);
        Exploration greedyTally = Exploration.thompson(0, 4).withLocalEvidence(LOCAL);
        Exploration greedyLinear = Exploration.linear(0, 4, LOCAL);

        ShortlistSelector byTally = new ShortlistSelector(shortlist, untrained, prior, records,
                PolicySettings.defaults(null).withExploration(greedyTally));
        ShortlistSelector byEffect = new ShortlistSelector(shortlist, untrained, prior, records, fit(byCase, 4),
                PolicySettings.defaults(null).withExploration(greedyLinear));

        assertThat(byTally.select(1, new Random(1)).getFirst().candidate().value().task()).isEqualTo("look-alike");
        assertThat(byEffect.select(1, new Random(1)).getFirst().candidate().value().task()).isEqualTo("helpful");
    }

    @Test
    void linear_exploration_needs_local_records() {
        assertThatThrownBy(() -> Exploration.linear(1, 4, LocalEvidence.OFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("LINEAR exploration needs local records (perCase > 0)");
    }
}
