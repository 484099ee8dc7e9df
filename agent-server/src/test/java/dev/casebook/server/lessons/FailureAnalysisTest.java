package dev.casebook.server.lessons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code failure-analysis} interaction shared by sandbox task groups and dream groups. */
class FailureAnalysisTest {
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    private final LlmClient client = LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(),
            "k", "analyst-" + UUID.randomUUID(), Duration.ofSeconds(5), 0, null));
    private final FailureAnalysis.Attempt passing = new FailureAnalysis.Attempt("a rollout that passed", "{\"p\": 1}",
            "call execute_code 42", "42");
    private final FailureAnalysis.Attempt failing = new FailureAnalysis.Attempt("rejected", "{\"p\": 2}",
            "call execute_code 41", "41");

    @AfterEach
    void close() {
        llm.close();
    }

    @Test
    void the_sandbox_prompt_names_the_validator_and_holds_both_attempts() throws Exception {
        llm.when(Match.interaction("failure-analysis")).reply(Reply.text("At the write, do 42 instead of 41."));

        new FailureAnalysis(client, Duration.ofSeconds(10)).analyse("Write 42", passing, failing, "failed", "41 != 42");

        LlmRequest asked = llm.requests(Match.interaction("failure-analysis")).getFirst();
        assertThat(asked.systemPrompt()).startsWith("You compare two attempts of an AI agent at the same task, worked"
                + " in a sandboxed workspace with a Python code tool: one that a validator program accepted and one"
                + " that it rejected.\nFind the first step where the failing attempt differs");
        assertThat(asked.lastUserMessage()).isEqualTo("""
                Task: Write 42

                Passing attempt (a rollout that passed):
                Plan:
                {"p": 1}

                Trace:
                call execute_code 42

                Final answer: 42

                Failing attempt (the validator's verdict: failed):
                Plan:
                {"p": 2}

                Trace:
                call execute_code 41

                Final answer: 41

                Validator output:
                41 != 42""");
    }

    @Test
    void the_dream_prompt_names_the_simulations_judge_and_its_reasoning() throws Exception {
        llm.when(Match.interaction("failure-analysis")).reply(Reply.text("At the write, do 42 instead of 41."));

        FailureAnalysis.Lesson lesson = new FailureAnalysis(client, Duration.ofSeconds(10), FailureAnalysis.DREAM)
                .analyse("Write 42", passing, failing, "failed, reward 0.0", "41 is not 42");

        assertThat(lesson).isEqualTo(new FailureAnalysis.Lesson("At the write, do 42 instead of 41.", true,
                lesson.tokens()));
        LlmRequest asked = llm.requests(Match.interaction("failure-analysis")).getFirst();
        assertThat(asked.systemPrompt()).startsWith("You compare two attempts of an AI agent at the same task, worked"
                + " against a simulation of its tools: one that the simulation's judge rated a success and one that"
                + " it rated a failure.\n");
        assertThat(asked.lastUserMessage()).contains("Failing attempt (the judge's verdict: failed, reward 0.0):\n")
                .endsWith("Final answer: 41\n\nThe judge's reasoning:\n41 is not 42");
    }

    @Test
    void a_lesson_wrapped_in_json_with_prose_around_it_is_read_from_the_object() throws Exception {
        llm.when(Match.interaction("failure-analysis")).reply(Reply.text("""
                <think>{"lesson": "a draft"}</think>Sure. Here it is:
                ```json
                {"lesson": "At the write, do 42 instead of 41."}
                ```
                Good luck!"""));

        FailureAnalysis.Lesson lesson = new FailureAnalysis(client, Duration.ofSeconds(10), FailureAnalysis.DREAM)
                .analyse("Write 42", passing, failing, "failed", "wrong");

        assertThat(lesson.analysed()).isTrue();
        assertThat(lesson.text()).isEqualTo("At the write, do 42 instead of 41.");
    }

    @Test
    void a_truncated_or_empty_reply_gives_the_fallback_with_what_the_judge_reported() throws Exception {
        llm.when(Match.interaction("failure-analysis").and(r -> r.lastUserMessage().startsWith("Task: Cut")))
                .reply(Reply.text("At the write, do 4").truncated());
        llm.when(Match.interaction("failure-analysis").and(r -> r.lastUserMessage().startsWith("Task: Empty")))
                .reply(Reply.text("<think>no idea</think>"));

        FailureAnalysis.Lesson cut = new FailureAnalysis(client, Duration.ofSeconds(10), FailureAnalysis.DREAM)
                .analyse("Cut", passing, failing, "failed, reward 0.0", "41 is not 42");
        FailureAnalysis.Lesson empty = new FailureAnalysis(client, Duration.ofSeconds(10))
                .analyse("Empty", passing, failing, "failed", " ");

        assertThat(cut.analysed()).isFalse();
        assertThat(cut.text()).isEqualTo("The judge rated the attempt a failure (failed, reward 0.0): 41 is not 42");
        assertThat(empty.analysed()).isFalse();
        assertThat(empty.text()).isEqualTo("The validator rejected the attempt (failed).");
    }
}
