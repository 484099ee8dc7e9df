package dev.casebook.eval.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.eval.data.EvalItem;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunReportsTest {
    private static Attempt attempt(String id, String group, int epoch, int attempt, int episode, boolean correct, double f1) {
        return new Attempt(id, group, epoch, attempt, episode, true,
                Map.of("gaia", new Attempt.Score("exact", correct, correct ? 1 : 0, false),
                        "squad", new Attempt.Score("overlap", correct, f1, false)), 100, 10);
    }

    @Test
    void pass_at_1_averages_attempts_and_pass_at_k_needs_one_correct_attempt() {
        List<Attempt> attempts = List.of(
                attempt("q1", "a", 1, 1, 0, true, 1), attempt("q1", "a", 1, 2, 1, false, 0.5),
                attempt("q2", "b", 1, 1, 2, false, 0), attempt("q2", "b", 1, 2, 3, false, 0.2));

        Aggregate all = Aggregates.of(attempts, "gaia", 2.0);

        assertThat(all.questions()).isEqualTo(2);
        assertThat(all.attempts()).isEqualTo(4);
        assertThat(all.pass1()).isEqualTo(0.25);
        assertThat(all.passK()).isEqualTo(0.5);
        assertThat(all.scorers().get("squad").meanValue()).isCloseTo(0.425, within(1e-12));
        assertThat(all.scorers().get("gaia").accuracy()).isEqualTo(0.25);
        assertThat(all.meanTokens()).isEqualTo(100);
        assertThat(all.meanCost()).isCloseTo(0.0002, within(1e-12));
        Map<String, Aggregate> byGroup = Aggregates.byEpoch(attempts, "gaia", 0).get(1);
        assertThat(byGroup.keySet()).containsExactly("all", "a", "b");
        assertThat(byGroup.get("a").passK()).isEqualTo(1.0);
        assertThat(byGroup.get("b").passK()).isEqualTo(0.0);
    }

    @Test
    void learning_curve_tracks_running_and_windowed_accuracy_over_episodes() {
        boolean[] correct = {false, false, true, true, true};
        List<Attempt> attempts = IntStream.range(0, 5)
                .mapToObj(i -> attempt("q" + i, "g", 1, 1, i, correct[i], 0)).toList();

        List<LearningCurve.Point> curve = LearningCurve.of(attempts, "gaia", 2);

        assertThat(curve).extracting(LearningCurve.Point::running)
                .containsExactly(0.0, 0.0, 1.0 / 3, 0.5, 0.6);
        assertThat(curve).extracting(LearningCurve.Point::windowed).containsExactly(0.0, 0.0, 0.5, 1.0, 1.0);
        assertThatThrownBy(() -> LearningCurve.of(attempts, "gaia", 0)).hasMessage("window must be at least 1, was 0");
    }

    @Test
    void selection_filters_groups_then_limits_or_samples_reproducibly() {
        List<EvalItem> items = IntStream.range(0, 20).mapToObj(i -> new EvalItem("i" + i, "q" + i, List.of("a"),
                List.of(), i % 2 == 0 ? "even" : "odd", Map.of())).toList();

        assertThat(new Selection(Set.of("odd"), 3, null, 0).apply(items)).extracting(EvalItem::id)
                .containsExactly("i1", "i3", "i5");
        List<EvalItem> sample = new Selection(Set.of(), null, 5, 42).apply(items);
        assertThat(sample).hasSize(5).isEqualTo(new Selection(Set.of(), null, 5, 42).apply(items));
        assertThat(sample).isNotEqualTo(new Selection(Set.of(), null, 5, 7).apply(items));
        assertThat(sample).isSortedAccordingTo((x, y) -> Integer.compare(items.indexOf(x), items.indexOf(y)));
        assertThat(Selection.all().apply(items)).hasSize(20);
        assertThatThrownBy(() -> new Selection(Set.of(), 1, 1, 0)).hasMessage("give either limit or sample, not both");
    }
}
