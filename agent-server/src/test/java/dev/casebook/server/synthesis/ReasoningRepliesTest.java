package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The experience model's interactions ({@code experience}, {@code experience-outcome}) and the curriculum's, answered
 * by a reasoning model: the JSON and the verdicts in its reasoning are never read, each is asked with its schema.
 */
class ReasoningRepliesTest {
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    private final LlmClient client = LlmClient.of(ModelRole.EXPERIENCE, new ModelSettings.Role("openai",
            llm.baseUrl(), "k", "world-" + UUID.randomUUID(), Duration.ofSeconds(5), 0, null));

    @AfterEach
    void close() {
        llm.close();
    }

    @Test
    void a_transition_is_read_from_the_text_not_from_the_think_block() throws Exception {
        llm.when(Match.interaction("experience")).reply(Reply.text("""
                <think>A draft: {"observation": "400", "reward": 0, "done": false}. The real product is 391.</think>
                {"reasoning": "17*23 is 391", "observation": "391", "reward": 1, "done": true}"""));
        ExperienceModel model = new ExperienceModel(client, 1, 4);

        Prediction prediction = model.predict(new ExperienceModel.Situation("What is 17*23?", List.of(),
                ToolSpecification.builder().name("calculator").build(), "{\"expression\": \"17*23\"}", List.of()),
                Instant.now().plusSeconds(10));

        assertThat(prediction).isInstanceOfSatisfying(Prediction.Predicted.class, p -> {
            assertThat(p.observation()).isEqualTo("391");
            assertThat(p.reward()).isEqualTo(1.0);
            assertThat(p.done()).isTrue();
        });
        assertThat(llm.requests(Match.interaction("experience")).getFirst().body()
                .at("/response_format/json_schema/name").asText()).isEqualTo("transition");
    }

    @Test
    void an_outcome_verdict_is_read_from_the_text_when_the_reasoning_comes_in_a_field() throws Exception {
        llm.when(Match.interaction("experience-outcome")).reply(Reply.text("{\"reasoning\": \"right\", \"reward\": 1}")
                .withReasoningIn("reasoning", "Maybe {\"reward\": 0}? No, 391 is right."));
        ExperienceModel model = new ExperienceModel(client, 1, 4);

        Judgement judgement = model.judge("What is 17*23?", List.of(), "391", Instant.now().plusSeconds(10));

        assertThat(judgement).isInstanceOfSatisfying(Judgement.Rated.class, r -> assertThat(r.reward()).isEqualTo(1.0));
    }

    @Test
    void curriculum_variations_are_read_from_the_text_not_from_the_reasoning() throws Exception {
        llm.when(Match.interaction("curriculum")).reply(Reply.text(
                "<think>{\"variations\": [\"a draft I dropped\"]}</think>{\"variations\": [\"What is 18*23?\"]}"));
        CurriculumRound round = new CurriculumRound(null, client, 1, 500, Duration.ofSeconds(10));

        CurriculumRound.Asked asked = round.ask(new DreamRecords.TaskStats(new DreamRecords.DreamTask(1,
                "What is 17*23?", null, 0, null), 2, 2, 1, 0.5), 2, false);

        assertThat(asked.variations()).containsExactly("What is 18*23?");
        assertThat(llm.requests(Match.interaction("curriculum")).getFirst().body()
                .at("/response_format/json_schema/name").asText()).isEqualTo("variations");
    }
}
