package dev.casebook.eval.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.eval.score.JudgeNotConfiguredException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringJobTest {
    private final ScoringJob job = new ScoringJob(ScorerRegistry.deterministic());

    @Test
    void scores_each_line_with_its_scorer_and_summarises_per_scorer() {
        ScoringReport report = job.score(new StringReader("""
                {"id": "g1", "prediction": "$1,000", "gold": "1000", "scorer": "gaia"}
                {"id": "g2", "prediction": "Sea Gull", "gold": "seagull", "scorer": "gaia"}
                {"id": "g3", "prediction": null, "gold": "x", "scorer": "gaia"}

                {"id": 4, "prediction": "paris paris france", "gold": "Paris<|answer_split|>France, Paris"}
                {"id": "s", "prediction": "the Obama", "gold": ["Michelle", "Obama"], "scorer": "squad"}
                """), "deepresearcher");

        assertThat(report.items()).extracting(ScoringReport.Scored::id).containsExactly("g1", "g2", "g3", "4", "s");
        assertThat(report.items()).extracting(s -> s.result().correct()).containsExactly(true, true, false, false, true);
        assertThat(report.summary().get("gaia")).isEqualTo(new ScoringReport.Summary(3, 2, 2.0 / 3, 2.0 / 3, 0));
        ScoringReport.Summary dr = report.summary().get("deepresearcher");
        assertThat(dr.count()).isEqualTo(1);
        assertThat(dr.meanValue()).isCloseTo(1.0, within(1e-12)); // {paris, france} vs {france, paris}
        assertThat(report.items().get(3).toMap()).containsEntry("kind", "overlap").containsEntry("em", false);
        assertThat(report.items().getFirst().toMap()).containsEntry("rule", "number").containsEntry("value", 1.0);
    }

    @Test
    void bad_lines_are_named_and_nothing_is_scored() {
        assertThatThrownBy(() -> job.score(new StringReader("""
                {"id": "a", "prediction": "x", "gold": "x", "scorer": "gaia"}
                {"id": "b", "prediction": "x", "scorer": "gaia"}
                """), null)).isInstanceOf(MalformedInputException.class)
                .hasMessage("line 2: field 'gold' must be a non-empty string or list of strings");
        assertThatThrownBy(() -> job.score(new StringReader("{\"id\": \"a\", \"prediction\": \"x\", \"gold\": \"x\"}\n"), null))
                .hasMessage("line 1: field 'scorer' is missing and no default scorer was given");
        assertThatThrownBy(() -> job.score(new StringReader("{\"id\": \"a\", \"gold\": \"x\", \"scorer\": \"bleu\"}\n"), null))
                .hasMessageStartingWith("line 1: unknown scorer 'bleu'; known: deepresearcher, gaia, hotpotqa, judge, simpleqa, squad");
        assertThatThrownBy(() -> job.score(new StringReader("{\"id\": \"a\", \"gold\": \"x\"}\n{\"id\": \"a\", \"gold\": \"y\"}\n"), "gaia"))
                .hasMessage("line 2: duplicate id 'a' for scorer 'gaia'");
        assertThatThrownBy(() -> job.score(new StringReader("{\"id\": \"a\", \"gold\": \"x\"\n"), "gaia"))
                .hasMessageStartingWith("line 1: invalid JSON");
        assertThatThrownBy(() -> job.score(new StringReader("\n\n"), "gaia")).hasMessage("line 0: no lines to score");
    }

    @Test
    void judge_lines_without_a_judge_model_fail_before_scoring() {
        assertThatThrownBy(() -> job.score(new StringReader("""
                {"id": "a", "prediction": "x", "gold": "x", "scorer": "gaia"}
                {"id": "b", "prediction": "x", "gold": "x", "scorer": "judge"}
                """), null)).isInstanceOf(JudgeNotConfiguredException.class)
                .hasMessageStartingWith("scorer 'judge' needs a judge model");
    }

    @Test
    void writes_gaia_submission_lines() throws IOException {
        StringWriter out = new StringWriter();
        GaiaSubmission.write(List.of(new GaiaSubmission.Line("t-1", "8", "counted \"legs\""),
                new GaiaSubmission.Line("t-2", null, null)), out);
        assertThat(out.toString()).isEqualTo("""
                {"task_id":"t-1","model_answer":"8","reasoning_trace":"counted \\"legs\\""}
                {"task_id":"t-2","model_answer":""}
                """);
    }
}
