package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.llm.LlmClient;
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
    private final LlmClient client = LlmClient.of("planner", new ModelSettings.Role("openai", llm.baseUrl(), "k",
            "gen-" + UUID.randomUUID(), Duration.ofSeconds(5), 0, null));

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
}
