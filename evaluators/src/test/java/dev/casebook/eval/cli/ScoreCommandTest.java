package dev.casebook.eval.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return ScoreCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void scores_a_file_and_prints_lines_and_a_summary() throws IOException {
        Path input = dir.resolve("in.jsonl");
        Files.writeString(input, """
                {"id": "t-1", "prediction": "8", "gold": "8", "reasoning_trace": "spiders have 8 legs"}
                {"id": "t-2", "prediction": "7", "gold": "1,234"}
                """);
        Path submission = dir.resolve("submission.jsonl");

        int status = run("", "--scorer", "gaia", "--gaia-submission", submission.toString(), input.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "{\"id\":\"t-1\",\"scorer\":\"gaia\",\"kind\":\"exact\",\"rule\":\"number\",\"correct\":true,\"value\":1.0}",
                "{\"id\":\"t-2\",\"scorer\":\"gaia\",\"kind\":\"exact\",\"rule\":\"list\",\"correct\":false,\"value\":0.0}",
                "{\"summary\":{\"gaia\":{\"count\":2,\"correct\":1,\"accuracy\":0.5,\"meanValue\":0.5,\"flagged\":0}}}");
        assertThat(Files.readString(submission)).isEqualTo("""
                {"task_id":"t-1","model_answer":"8","reasoning_trace":"spiders have 8 legs"}
                {"task_id":"t-2","model_answer":"7"}
                """);
    }

    @Test
    void reads_standard_input_and_judges_through_the_configured_model() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Match.interaction("judge")).reply(Reply.text("{\"rationale\":\"same\",\"judgement\":\"correct\"}"));
            int status = run("{\"id\":\"a\",\"question\":\"Who?\",\"prediction\":\"Obama\",\"gold\":\"Barack Obama\",\"scorer\":\"judge\"}\n",
                    "--judge-base-url", llm.baseUrl(), "--judge-model", "m", "-");
            assertThat(status).as(err.toString()).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"kind\":\"judge\"", "\"rationale\":\"same\"", "\"correct\":true");
            assertThat(llm.requests(Match.interaction("judge")).getFirst().lastUserMessage()).contains("Question: Who?");
        }
    }

    @Test
    void bad_input_exits_2_naming_the_line_and_prints_no_scores() {
        int status = run("{\"id\":\"a\",\"prediction\":\"x\",\"gold\":\"x\",\"scorer\":\"gaia\"}\nnot json\n", "-");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("score: line 2: invalid JSON");
        assertThat(out.size()).isZero();
    }

    @Test
    void judge_without_model_and_unknown_options_exit_2() {
        assertThat(run("{\"id\":\"a\",\"gold\":\"x\",\"scorer\":\"simpleqa\"}\n", "-")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("scorer 'simpleqa' needs a judge model");
        assertThat(run("", "--color", "red", "-")).isEqualTo(2);
        assertThat(run("")).isEqualTo(2);
    }

    @Test
    void failing_judge_model_exits_3() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Match.any()).reply(Reply.status(400, "bad request (scripted)"));
            int status = run("{\"id\":\"a\",\"prediction\":\"x\",\"gold\":\"x\",\"scorer\":\"judge\"}\n",
                    "--judge-base-url", llm.baseUrl(), "-");
            assertThat(status).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("score: the judge model call failed");
        }
    }
}
