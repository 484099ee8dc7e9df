package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Exploration over the shortlist: a look-alike ranked first by similarity whose uses mostly failed, and a less
 * similar case whose uses mostly succeeded; an untrained network (same logit for both).
 */
class ShortlistSelectorTest {

    private static final Case LOOK_ALIKE = Case.of("t", "look-alike", "", "", 1, CaseSource.REAL).withCounts(30, 3);
    private static final Case HELPFUL = Case.of("t", "helpful", "", "", 1, CaseSource.REAL).withCounts(30, 24);
    private static final Case UNTRIED = Case.of("t", "untried", "", "", 1, CaseSource.REAL);
    private static final List<Case> SHORTLIST = List.of(LOOK_ALIKE, HELPFUL, UNTRIED);
    private static final float[] UNTRAINED = {QNetwork.OUTPUT_BIAS, QNetwork.OUTPUT_BIAS, QNetwork.OUTPUT_BIAS};
    /** The similarity prior: the look-alike one standard deviation above the helpful case, the untried one below. */
    private static final double[] PRIOR = {1.2, 0.2, -1.4};

    private static PolicySettings settings(Exploration exploration) {
        return PolicySettings.defaults(null).withExploration(exploration);
    }

    private static String first(ShortlistSelector selector, Random random) {
        return selector.select(1, random).getFirst().candidate().value().task();
    }

    @Test
    void softmax_at_temperature_zero_follows_similarity_while_the_network_knows_nothing() {
        ShortlistSelector selector = new ShortlistSelector(SHORTLIST, UNTRAINED, PRIOR,
                settings(Exploration.SOFTMAX).withTemperature(0));

        assertThat(first(selector, new Random(1))).isEqualTo("look-alike");
    }

    @Test
    void the_posterior_mean_reaches_the_less_similar_case_whose_evidence_is_good() {
        ShortlistSelector selector = new ShortlistSelector(SHORTLIST, UNTRAINED, PRIOR,
                settings(Exploration.thompson(0, 4)));

        assertThat(first(selector, new Random(1))).isEqualTo("helpful");
        // Beta(4·0.5 + 24, 4·0.5 + 6) and Beta(4·0.5 + 3, 4·0.5 + 27)
        assertThat(selector.value(1)).isCloseTo(26.0 / 34, within(1e-3));
        assertThat(selector.value(0)).isCloseTo(5.0 / 34, within(1e-3));
        assertThat(selector.value(2)).isCloseTo(0.5, within(1e-3));
    }

    @Test
    void a_fading_prior_lets_a_long_record_outweigh_a_look_alikes_similarity() {
        Case lookAlike = Case.of("t", "look-alike", "", "", 1, CaseSource.REAL).withCounts(40, 12);
        Case helpful = Case.of("t", "helpful", "", "", 1, CaseSource.REAL).withCounts(40, 26);
        List<Case> shortlist = List.of(lookAlike, helpful);
        float[] untrained = {QNetwork.OUTPUT_BIAS, QNetwork.OUTPUT_BIAS};
        double[] prior = {1.5, -1.0};

        // posterior means 14/44 and 28/44: logits -0.76 and +0.56, against a prior 2.5 logits apart
        assertThat(first(new ShortlistSelector(shortlist, untrained, prior, settings(Exploration.thompson(0, 4))),
                new Random(1))).isEqualTo("look-alike");
        // the prior kept: 4 / (4 + 40) of it
        assertThat(first(new ShortlistSelector(shortlist, untrained, prior,
                settings(Exploration.thompson(0, 4).withFadingPrior())), new Random(1))).isEqualTo("helpful");
    }

    @Test
    void thompson_sampling_mostly_takes_the_case_with_good_evidence_and_sometimes_explores_the_untried_one() {
        ShortlistSelector selector = new ShortlistSelector(SHORTLIST, UNTRAINED, PRIOR,
                settings(Exploration.thompson(1, 4)));
        Random random = new Random(3);
        int helpful = 0;
        int untried = 0;
        int lookAlike = 0;
        for (int i = 0; i < 1000; i++) {
            switch (first(selector, random)) {
                case "helpful" -> helpful++;
                case "untried" -> untried++;
                default -> lookAlike++;
            }
        }
        assertThat(helpful).isGreaterThan(850);
        assertThat(untried).isPositive();
        assertThat(lookAlike).isLessThan(untried);
    }

    @Test
    void the_exploration_knob_widens_what_is_tried_and_zero_is_deterministic() {
        Set<String> atZero = new HashSet<>();
        int explored0 = 0;
        int explored3 = 0;
        Random random = new Random(5);
        ShortlistSelector none = new ShortlistSelector(SHORTLIST, UNTRAINED, PRIOR, settings(Exploration.thompson(0, 4)));
        ShortlistSelector wide = new ShortlistSelector(SHORTLIST, UNTRAINED, PRIOR, settings(Exploration.thompson(3, 4)));
        for (int i = 0; i < 500; i++) {
            String a = first(none, random);
            atZero.add(a);
            explored0 += a.equals("helpful") ? 0 : 1;
            explored3 += first(wide, random).equals("helpful") ? 0 : 1;
        }
        assertThat(atZero).containsExactly("helpful");
        assertThat(explored0).isZero();
        assertThat(explored3).isGreaterThan(50);
    }

    @Test
    void ucb_is_optimistic_where_evidence_is_thin_and_deterministic() {
        // without the prior's pull, the untried case's upper bound beats the helpful case's
        double[] flat = {0, 0, 0};
        ShortlistSelector optimistic = new ShortlistSelector(SHORTLIST, UNTRAINED, flat,
                settings(Exploration.ucb(2, 2)));
        ShortlistSelector cautious = new ShortlistSelector(SHORTLIST, UNTRAINED, flat,
                settings(Exploration.ucb(0, 2)));

        assertThat(first(optimistic, new Random(1))).isEqualTo("untried");
        assertThat(first(optimistic, new Random(2))).isEqualTo("untried");
        assertThat(first(cautious, new Random(1))).isEqualTo("helpful");
    }

    @Test
    void the_network_is_the_prior_of_a_case_without_evidence() {
        float[] logits = {0f, 0f, 2f};
        ShortlistSelector selector = new ShortlistSelector(SHORTLIST, logits, new double[3],
                settings(Exploration.thompson(0, 4)));

        assertThat(selector.value(2)).isCloseTo(ShortlistSelector.sigmoid(2), within(1e-9));
        assertThat(first(selector, new Random(1))).isEqualTo("untried");
    }

    @Test
    void the_posterior_weighs_the_record_it_is_given_not_the_cases_global_counts() {
        // near this task the look-alike's record is good and the helpful case's bad, whatever their global counts
        LocalEvidence.Tally[] local = {new LocalEvidence.Tally(20, 16), new LocalEvidence.Tally(20, 2),
                new LocalEvidence.Tally(0, 0)};
        ShortlistSelector selector = new ShortlistSelector(SHORTLIST, UNTRAINED, PRIOR, local,
                settings(Exploration.thompson(0, 4)));

        assertThat(first(selector, new Random(1))).isEqualTo("look-alike");
        assertThat(selector.value(0)).isCloseTo(18.0 / 24, within(1e-3));
        assertThat(selector.value(2)).isCloseTo(0.5, within(1e-3));
    }

    @Test
    void a_prior_fading_to_the_top_ranks_a_case_with_a_record_as_if_it_were_the_most_similar() {
        LocalEvidence.Tally[] records = {new LocalEvidence.Tally(40, 12), new LocalEvidence.Tally(40, 26),
                new LocalEvidence.Tally(0, 0)};
        double[] prior = {1.2, -0.4, -1.4};
        Exploration greedy = Exploration.thompson(0, 4);

        // without fading, the look-alike's similarity outweighs its worse record:
        // logit(14/44) + 1.2 = 0.44 against logit(28/44) - 0.4 = 0.16
        assertThat(first(new ShortlistSelector(SHORTLIST, UNTRAINED, prior, records, settings(greedy)),
                new Random(1))).isEqualTo("look-alike");
        // fading to the top: the helpful case's prior is 4/44 · (-0.4) + 40/44 · 1.2 = 1.05, the look-alike keeps 1.2,
        // and the untried case keeps its own -1.4
        ShortlistSelector top = new ShortlistSelector(SHORTLIST, UNTRAINED, prior, records,
                settings(greedy.withFade(Exploration.Fade.TO_TOP)));
        assertThat(top.select(3, new Random(1))).extracting(c -> c.candidate().value().task())
                .containsExactly("helpful", "look-alike", "untried");
        assertThat(greedy.withFade(Exploration.Fade.TO_TOP).fadedPrior(-0.4, 40, 1.2))
                .isCloseTo(4.0 / 44 * -0.4 + 40.0 / 44 * 1.2, within(1e-9));
        assertThat(greedy.withFade(Exploration.Fade.TO_TOP).fadedPrior(-1.4, 0, 1.2)).isEqualTo(-1.4);
        assertThat(greedy.withFadingPrior().fadedPrior(-0.4, 40, 1.2)).isCloseTo(4.0 / 44 * -0.4, within(1e-9));
    }
}
