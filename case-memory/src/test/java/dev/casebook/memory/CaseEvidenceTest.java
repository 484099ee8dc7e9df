package dev.casebook.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The derivation rule of {@link CaseEvidence}, checked over many random event sequences (seeded, reproducible). */
class CaseEvidenceTest {
    private static final int SEQUENCES = 2000;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Case BASE = new Case(UUID.randomUUID(), "acme", "What is 17*23?", "old plan", "old", 0.5,
            CaseLabel.POSITIVE, CaseSource.REAL, "", 3, 1, T0, T0);

    @Test
    void no_evidence_leaves_the_case_as_it_is() {
        assertThat(CaseEvidence.derive(BASE, List.of())).isEqualTo(BASE);
    }

    @Test
    void a_rated_outcome_always_outranks_unrated_ones_however_many_follow() {
        Random random = new Random(1);
        for (int n = 0; n < SEQUENCES; n++) {
            List<Evidence> events = sequence(random, List.of(Rater.SCORER, Rater.VALIDATOR, Rater.FEEDBACK,
                    Rater.EXPERIENCE_MODEL, Rater.UNRATED));
            if (events.stream().noneMatch(e -> e.rater().rated())) {
                continue;
            }
            List<Evidence> ratedOnly = events.stream().filter(e -> e.rater().rated()).toList();
            Case all = CaseEvidence.derive(BASE, events);
            Case withoutUnrated = CaseEvidence.derive(BASE, ratedOnly);
            assertThat(all).as("sequence %s", events).extracting(Case::reward, Case::label, Case::plan, Case::answer)
                    .containsExactly(withoutUnrated.reward(), withoutUnrated.label(), withoutUnrated.plan(),
                            withoutUnrated.answer());
        }
    }

    @Test
    void among_scorers_and_validators_the_reward_is_the_success_rate_whatever_the_order() {
        Random random = new Random(2);
        for (int n = 0; n < SEQUENCES; n++) {
            List<Evidence> events = distinctEpisodes(random, List.of(Rater.SCORER, Rater.VALIDATOR, Rater.UNRATED));
            List<Evidence> rated = events.stream().filter(e -> e.rater().rated()).toList();
            if (rated.isEmpty()) {
                continue;
            }
            double rate = rated.stream().mapToDouble(Evidence::reward).average().orElseThrow();
            Case derived = CaseEvidence.derive(BASE, events);
            assertThat(derived.reward()).as("sequence %s", events).isCloseTo(rate, within(1e-12));
            assertThat(derived.label()).isEqualTo(CaseLabel.fromReward(rate));
            List<Evidence> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, random);
            assertThat(CaseEvidence.derive(BASE, shuffled).reward()).isCloseTo(rate, within(1e-12));
        }
    }

    @Test
    void the_latest_feedback_decides() {
        Random random = new Random(3);
        for (int n = 0; n < SEQUENCES; n++) {
            List<Evidence> events = sequence(random, List.of(Rater.SCORER, Rater.FEEDBACK, Rater.UNRATED));
            List<Evidence> feedback = events.stream().filter(e -> e.rater() == Rater.FEEDBACK).toList();
            if (feedback.isEmpty()) {
                continue;
            }
            // the latest feedback of each episode counts; the latest of those decides
            Evidence latest = feedback.getLast();
            assertThat(CaseEvidence.derive(BASE, events).reward()).as("sequence %s", events)
                    .isEqualTo(latest.reward());
        }
    }

    @Test
    void a_late_rating_of_an_episode_replaces_its_provisional_reward() {
        Evidence provisional = event("task-1", 0.5, Rater.UNRATED, "p", 0);
        Evidence rated = event("task-1", 0.0, Rater.SCORER, "p", 1);
        Evidence other = event("task-2", 1.0, Rater.SCORER, "q", 2);

        assertThat(CaseEvidence.derive(BASE, List.of(provisional, rated, other)).reward()).isEqualTo(0.5);
        assertThat(CaseEvidence.counted(List.of(provisional, rated, other))).containsExactly(rated, other);
    }

    @Test
    void the_plan_shown_is_the_best_counted_success_or_else_the_latest_counted() {
        Random random = new Random(4);
        for (int n = 0; n < SEQUENCES; n++) {
            List<Evidence> events = sequence(random, List.of(Rater.SCORER, Rater.VALIDATOR, Rater.EXPERIENCE_MODEL,
                    Rater.UNRATED));
            List<Evidence> counted = CaseEvidence.counted(events);
            Case derived = CaseEvidence.derive(BASE, events);
            double best = counted.stream().filter(Evidence::success).mapToDouble(Evidence::reward).max().orElse(-1);
            if (best >= 0) {
                assertThat(counted).as("sequence %s", events).anySatisfy(e -> {
                    assertThat(e.plan()).isEqualTo(derived.plan());
                    assertThat(e.reward()).isEqualTo(best);
                });
            } else {
                assertThat(derived.plan()).isEqualTo(counted.getLast().plan());
            }
            assertThat(derived).extracting(Case::uses, Case::successes).containsExactly(3, 1);
        }
    }

    /** Up to 8 events over up to 4 episodes, raters drawn from {@code raters}, rewards from {0, 0.25, 0.5, 1}. */
    private static List<Evidence> sequence(Random random, List<Rater> raters) {
        int size = 1 + random.nextInt(8);
        List<Evidence> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(event("task-" + random.nextInt(4), reward(random), raters.get(random.nextInt(raters.size())),
                    "plan-" + i, i));
        }
        return events;
    }

    /** One event per episode. */
    private static List<Evidence> distinctEpisodes(Random random, List<Rater> raters) {
        int size = 1 + random.nextInt(8);
        List<Evidence> events = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            events.add(event("task-" + i, reward(random), raters.get(random.nextInt(raters.size())), "plan-" + i, i));
        }
        return events;
    }

    @Test
    void a_practice_task_solved_once_in_three_rollouts_is_a_positive_case_with_its_success_rate_a_real_one_is_not() {
        List<Evidence> sandbox = List.of(
                new Evidence("rollout-1", EvidenceSource.SANDBOX, 1, Rater.VALIDATOR, "passing plan", "12", T0),
                new Evidence("rollout-2", EvidenceSource.SANDBOX, 0, Rater.VALIDATOR, "failing plan", "13",
                        T0.plusSeconds(1)),
                new Evidence("rollout-3", EvidenceSource.SANDBOX, 0, Rater.VALIDATOR, "failing plan", "14",
                        T0.plusSeconds(2)));
        Case practice = CaseEvidence.derive(BASE, sandbox);
        assertThat(practice).extracting(Case::label, Case::plan, Case::answer)
                .containsExactly(CaseLabel.POSITIVE, "passing plan", "12");
        assertThat(practice.reward()).isCloseTo(1.0 / 3, within(1e-12));

        List<Evidence> dreams = sandbox.stream().map(e -> new Evidence(e.episode(), EvidenceSource.SYNTHETIC,
                e.reward(), Rater.EXPERIENCE_MODEL, e.plan(), e.answer(), e.at())).toList();
        assertThat(CaseEvidence.derive(BASE, dreams).label()).isEqualTo(CaseLabel.POSITIVE);

        List<Evidence> real = sandbox.stream().map(e -> new Evidence(e.episode(), EvidenceSource.REAL, e.reward(),
                Rater.SCORER, e.plan(), e.answer(), e.at())).toList();
        assertThat(CaseEvidence.derive(BASE, real).label()).as("a real task asked three times, solved once")
                .isEqualTo(CaseLabel.NEGATIVE);
        List<Evidence> unrated = sandbox.stream().map(e -> new Evidence(e.episode(), EvidenceSource.SANDBOX,
                e.reward(), Rater.UNRATED, e.plan(), e.answer(), e.at())).toList();
        assertThat(CaseEvidence.derive(BASE, unrated).label()).as("provisional rewards are no verdict")
                .isEqualTo(CaseLabel.NEGATIVE);
    }

    private static double reward(Random random) {
        return new double[] {0, 0.25, 0.5, 1}[random.nextInt(4)];
    }

    private static Evidence event(String episode, double reward, Rater rater, String plan, int second) {
        return new Evidence(episode, EvidenceSource.REAL, reward, rater, plan, "answer of " + plan,
                T0.plusSeconds(second));
    }
}
