package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.lessons.FailureAnalysis;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Task synthesis's interactions ({@code generate-task}, {@code failure-analysis}) answered by a reasoning model. */
class ReasoningRepliesTest {
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    private final LlmClient client = LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(),
            "k", "gen-" + UUID.randomUUID(), Duration.ofSeconds(5), 0, null));

    @AfterEach
    void close() {
        llm.close();
    }

    @Test
    void a_generated_task_is_read_from_the_text_not_from_a_draft_in_the_think_block() throws Exception {
        llm.when(Match.interaction("generate-task")).reply(Reply.text("""
                <think>Draft: {"statement": "bad", "files": {}, "validator": "", "reference": "", "difficulty": 9}
                Better keep it simple.</think>
                {"statement": "Write 42 to answer.txt", "files": {}, "validator": "assert open('answer.txt').read() == '42'",
                 "reference": "open('answer.txt', 'w').write('42')", "near_miss": "open('answer.txt', 'w').write('24')",
                 "difficulty": 1}"""));
        TaskGenerator generator = new TaskGenerator(client, 1, Duration.ofSeconds(10));

        TaskGenerator.Generated generated = generator.generate("files", 1, 1, 1, List.of());

        assertThat(generated).isInstanceOfSatisfying(TaskGenerator.Generated.Proposed.class,
                p -> assertThat(p.task().statement()).isEqualTo("Write 42 to answer.txt"));
        assertThat(llm.requests(Match.interaction("generate-task")).getFirst().body()
                .at("/response_format/json_schema/name").asText()).isEqualTo("sandbox_task");
    }

    @Test
    void a_lesson_is_the_text_without_the_reasoning() throws Exception {
        llm.when(Match.interaction("failure-analysis")).reply(
                Reply.text("<think>The agent wrote 41.</think>Check the arithmetic before writing the file.")
                        .withReasoningIn("reasoning_content", "It failed the validator."));
        FailureAnalysis analysis = new FailureAnalysis(client, Duration.ofSeconds(10));

        FailureAnalysis.Lesson lesson = analysis.analyse("Write 42", new FailureAnalysis.Attempt("passed", "{}",
                "call execute_code 42", "42"), new FailureAnalysis.Attempt("rejected", "{}", "trace", "41"), "failed",
                "41 != 42");

        assertThat(lesson.analysed()).isTrue();
        assertThat(lesson.text()).isEqualTo("Check the arithmetic before writing the file.");
    }

    @Test
    void a_triage_is_read_from_the_text_after_a_truncated_reply_and_a_draft_in_the_think_block() throws Exception {
        llm.when(Match.interaction("triage")).reply(Reply.text("{\"verdict\": \"agent_mis").truncated(),
                Reply.text("""
                        <think>Draft: {"verdict": "agent_mistake", "reason": "maybe"} but the validator wants 13.</think>
                        Having read both programs:
                        ```json
                        {"verdict": "task_defect", "reason": "The validator expects 13 where the statement asks for the sum."}
                        ```
                        That is my verdict."""));
        Triage triage = new Triage(client, 3, Duration.ofSeconds(10));
        FailureAnalysis.Attempt failed = new FailureAnalysis.Attempt("rejected", "{}", "call execute_code", "12");

        Triage.Verdict verdict = triage.decide("Write the sum", "assert x == 13", "print(12)", "12", 2, failed,
                "AssertionError");

        assertThat(verdict.verdict()).isEqualTo("task_defect");
        assertThat(verdict.reason()).isEqualTo("The validator expects 13 where the statement asks for the sum.");
        assertThat(llm.requests(Match.interaction("triage"))).hasSize(2);
        assertThat(llm.requests(Match.interaction("triage")).getFirst().body()
                .at("/response_format/json_schema/name").asText()).isEqualTo("triage");
    }

    @Test
    void a_triage_without_a_verdict_is_asked_again_with_the_reason_then_undecided() throws Exception {
        llm.when(Match.interaction("triage")).reply(Reply.text("The agent, probably. {\"verdict\": \"agent\"}"));
        Triage triage = new Triage(client, 2, Duration.ofSeconds(10));

        Triage.Verdict verdict = triage.decide("Write the sum", "assert x == 12", "print(12)", "12", 1,
                new FailureAnalysis.Attempt("rejected", "{}", "trace", "13"), "AssertionError");

        assertThat(verdict.undecided()).isTrue();
        assertThat(verdict.reason()).isEqualTo("the triage gave no verdict in 2 attempts: \"verdict\" must be "
                + "agent_mistake or task_defect, was \"agent\"");
        assertThat(llm.requests(Match.interaction("triage")).get(1).lastUserMessage())
                .startsWith("That reply is not the JSON asked for: \"verdict\" must be agent_mistake or task_defect");
    }
}
