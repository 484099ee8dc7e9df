package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CurriculumRoundTest {

    static DreamRecords.TaskStats stats(int no, int rated, int successes, Integer variedIn) {
        return new DreamRecords.TaskStats(new DreamRecords.DreamTask(no, "task " + no, null, 0, variedIn), rated,
                rated, successes, rated == 0 ? null : successes / (double) rated);
    }

    @Test
    void varies_the_tasks_nearest_a_success_rate_of_one_half_never_the_solved_or_hopeless_ones() {
        List<DreamRecords.TaskStats> tasks = List.of(stats(0, 4, 4, null), stats(1, 4, 0, null),
                stats(2, 4, 1, null), stats(3, 4, 2, null), stats(4, 0, 0, null), stats(5, 2, 1, 1),
                stats(6, 8, 4, null));

        assertThat(CurriculumRound.uncertain(tasks, 2)).extracting(t -> t.task().no()).containsExactly(6, 3);
        assertThat(CurriculumRound.uncertain(tasks, 10)).extracting(t -> t.task().no()).containsExactly(6, 3, 2);
        assertThat(CurriculumRound.uncertain(List.of(stats(0, 3, 3, null), stats(1, 3, 0, null)), 5)).isEmpty();
    }

    @Test
    void reads_variations_as_strings_or_objects_and_keeps_at_most_n() throws Exception {
        assertThat(CurriculumRound.variations("{\"variations\": [\"a\", {\"task\": \"b\"}, \" \", \"c\"]}", 2))
                .containsExactly("a", "b");
        assertThat(CurriculumRound.variations("Sure: [\"x\"]", 3)).containsExactly("x");
        assertThatThrownBy(() -> CurriculumRound.variations("{\"ideas\": []}", 3))
                .hasMessage("the JSON has no non-empty \"variations\" array of task texts");
    }
}
