package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurriculumTest {
    private final Curriculum curriculum = new Curriculum(2);

    /** Rounds played at the levels the curriculum gives them, each with these (rollouts, successes). */
    private List<Curriculum.Round> play(int[]... results) {
        List<Curriculum.Round> rounds = new ArrayList<>();
        for (int[] result : results) {
            rounds.add(new Curriculum.Round(rounds.size(), curriculum.next(rounds), result[0], result[1]));
        }
        return rounds;
    }

    @Test
    void starts_at_the_start_level() {
        assertThat(curriculum.next(List.of())).isEqualTo(2);
    }

    @Test
    void asks_for_harder_tasks_after_reliable_successes_and_easier_after_reliable_failures() {
        assertThat(curriculum.next(play(new int[] {2, 2}))).isEqualTo(3);
        assertThat(curriculum.next(play(new int[] {2, 2}, new int[] {4, 3}))).isEqualTo(4);
        assertThat(curriculum.next(play(new int[] {2, 2}, new int[] {2, 0}))).isEqualTo(2);
        assertThat(curriculum.next(play(new int[] {4, 1}))).isEqualTo(1);
    }

    @Test
    void stays_near_a_success_rate_of_one_half() {
        assertThat(curriculum.next(play(new int[] {2, 1}))).isEqualTo(2);
        assertThat(curriculum.next(play(new int[] {4, 2}, new int[] {4, 2}))).isEqualTo(2);
    }

    @Test
    void waits_for_enough_rollouts_at_a_level_and_adds_them_up_across_rounds() {
        assertThat(curriculum.next(play(new int[] {1, 1}))).isEqualTo(2);
        assertThat(curriculum.next(play(new int[] {1, 1}, new int[] {1, 1}))).isEqualTo(3);
        assertThat(curriculum.next(play(new int[] {0, 0}, new int[] {0, 0}))).as("rounds without verdicts").isEqualTo(2);
    }

    @Test
    void counts_only_the_rollouts_since_the_level_last_changed() {
        // 2/2 at level 2 moves to 3; then 1/2 at 3 stays: the successes at level 2 are not counted at level 3
        List<Curriculum.Step> steps = curriculum.replay(play(new int[] {2, 2}, new int[] {2, 1}));

        assertThat(steps).extracting(Curriculum.Step::next).containsExactly(3, 3);
        assertThat(steps.get(0).reason()).isEqualTo("success rate 1.00 over 2 rollouts at level 2 >= 0.75: harder");
        assertThat(steps.get(1).reason()).isEqualTo("success rate 0.50 over 2 rollouts at level 3: stays");
    }

    @Test
    void stays_within_the_scale() {
        Curriculum top = new Curriculum(5);
        Curriculum bottom = new Curriculum(1);
        assertThat(top.next(List.of(new Curriculum.Round(0, 5, 4, 4)))).isEqualTo(5);
        assertThat(bottom.next(List.of(new Curriculum.Round(0, 1, 4, 0)))).isEqualTo(1);
        assertThatThrownBy(() -> new Curriculum(0)).hasMessage("the start difficulty must be within [1, 5], was 0");
    }
}
