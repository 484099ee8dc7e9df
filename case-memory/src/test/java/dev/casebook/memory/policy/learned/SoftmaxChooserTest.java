package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.policy.CaseRole;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxChooserTest {

    private static Candidate positive(String task, double score) {
        return new Candidate(Case.of("t", task, "", "", 1, CaseSource.REAL), score);
    }

    private static Candidate negative(String task, double score) {
        return new Candidate(Case.of("t", task, "", "", 0, CaseSource.REAL), score);
    }

    /** A dreamed case no real outcome confirmed: provisional. */
    private static Candidate dreamed(String task, double score) {
        return new Candidate(Case.of("t", task, "", "", 1, CaseSource.SYNTHETIC), score);
    }

    private static List<String> tasks(List<SoftmaxChooser.Chosen> chosen) {
        return chosen.stream().map(c -> c.candidate().value().task()).toList();
    }

    @Test
    void greedy_at_temperature_zero_takes_the_best_of_each_role_within_its_quota() {
        List<Candidate> candidates = List.of(positive("p1", 0.9), positive("p2", 0.8), positive("p3", 0.7),
                negative("n1", 0.5), negative("n2", 0.4), negative("n3", 0.3));

        List<SoftmaxChooser.Chosen> chosen = SoftmaxChooser.choose(candidates, 4, 2, 2, 0, new Random(1));

        assertThat(tasks(chosen)).containsExactly("p1", "p2", "n1", "n2");
        assertThat(chosen).extracting(SoftmaxChooser.Chosen::role)
                .containsExactly(CaseRole.EXAMPLE, CaseRole.EXAMPLE, CaseRole.PITFALL, CaseRole.PITFALL);
    }

    @Test
    void draws_at_most_max_provisional_unconfirmed_synthetic_cases_and_fills_with_the_others() {
        List<Candidate> candidates = List.of(dreamed("d1", 0.9), dreamed("d2", 0.8), dreamed("d3", 0.7),
                positive("p1", 0.2), negative("n1", 0.1));

        assertThat(tasks(SoftmaxChooser.choose(candidates, 4, 64, 64, 2, 0, new Random(1))))
                .containsExactly("d1", "d2", "p1", "n1");
        assertThat(tasks(SoftmaxChooser.choose(candidates, 4, 64, 64, 0, 0, new Random(1))))
                .containsExactly("p1", "n1");
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            assertThat(SoftmaxChooser.choose(candidates, 4, 64, 64, 1, 1.0, random))
                    .filteredOn(c -> c.candidate().value().provisional()).hasSize(1);
        }
    }

    @Test
    void a_full_kind_leaves_its_places_to_the_other_kind_and_never_exceeds_its_quota() {
        List<Candidate> candidates = List.of(positive("p1", 0.9), positive("p2", 0.8), positive("p3", 0.7),
                negative("n1", 0.1));

        assertThat(tasks(SoftmaxChooser.choose(candidates, 4, 2, 2, 0, new Random(1))))
                .containsExactly("p1", "p2", "n1");
        assertThat(tasks(SoftmaxChooser.choose(candidates, 4, 64, 64, 0, new Random(1))))
                .containsExactly("p1", "p2", "p3", "n1");
    }

    @Test
    void a_temperature_never_breaks_the_quotas() {
        List<Candidate> candidates = List.of(positive("p1", 0.9), positive("p2", 0.8), positive("p3", 0.7),
                negative("n1", 0.5), negative("n2", 0.4), negative("n3", 0.3));
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            List<SoftmaxChooser.Chosen> chosen = SoftmaxChooser.choose(candidates, 3, 1, 2, 5.0, random);
            assertThat(chosen).hasSize(3);
            assertThat(chosen).filteredOn(c -> c.role() == CaseRole.EXAMPLE).hasSize(1);
        }
    }

    @Test
    void returns_every_candidate_when_there_are_fewer_than_k() {
        assertThat(SoftmaxChooser.choose(List.of(positive("p1", 0.9)), 4, 64, 64, 1.0, new Random(1))).hasSize(1);
        assertThat(SoftmaxChooser.choose(List.of(), 4, 64, 64, 0, new Random(1))).isEmpty();
    }

    @Test
    void draws_follow_the_softmax_of_score_over_temperature() {
        // weights e^(ln 3 / 1) : e^0 = 3 : 1, so the better case is drawn 3 times in 4
        List<Candidate> candidates = List.of(positive("better", Math.log(3)), positive("worse", 0));
        Random random = new Random(7);
        int better = 0;
        int draws = 4000;
        for (int i = 0; i < draws; i++) {
            if (tasks(SoftmaxChooser.choose(candidates, 1, 64, 64, 1.0, random)).equals(List.of("better"))) {
                better++;
            }
        }
        assertThat(better / (double) draws).isCloseTo(0.75, within(0.03));
    }

    @Test
    void a_high_temperature_spreads_the_draws() {
        List<Candidate> candidates = List.of(positive("better", 2), positive("worse", 0));
        Random random = new Random(7);
        int better = 0;
        for (int i = 0; i < 2000; i++) {
            if (tasks(SoftmaxChooser.choose(candidates, 1, 64, 64, 100, random)).equals(List.of("better"))) {
                better++;
            }
        }
        assertThat(better / 2000.0).isCloseTo(0.5, within(0.05));
    }
}
