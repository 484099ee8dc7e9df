package dev.casebook.eval.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The judges through LangChain4j's OpenAI client against the scripted LLM server. */
class JudgesTest {
    private ScriptedLlmServer llm;
    private ChatModel model;

    @BeforeEach
    void start() {
        llm = ScriptedLlmServer.start().fixedUsage(10, 5); // 15 tokens per call
        model = OpenAiChatModel.builder().baseUrl(llm.baseUrl()).apiKey("test").modelName("judge-model")
                .maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        llm.close();
    }

    @Test
    void judge_sends_the_named_prompt_and_returns_the_verdict_with_its_rationale() {
        llm.when(Match.interaction("judge"))
                .reply(Reply.text("{\"rationale\": \"Same city.\", \"judgement\": \"correct\"}"));

        ScoreResult result = new LlmJudge(model, 3).score("Capital of France?", "It is Paris.", List.of("Paris", "Paris, France"));

        assertThat(result).isEqualTo(new ScoreResult.Judged(true, "Same city.", 1, false, 15));
        LlmRequest request = llm.requests(Match.interaction("judge")).getFirst();
        assertThat(request.lastUserMessage())
                .contains("Question: Capital of France?", "- Paris\n- Paris, France", "Predicted answer: It is Paris.");
        assertThat(request.systemPrompt()).contains("means the same as at least one of", "\"judgement\": \"correct\" | \"incorrect\"");
    }

    @Test
    void judge_reads_json_inside_code_fences_and_incorrect_verdicts() {
        llm.when(Match.interaction("judge"))
                .reply(Reply.text("```json\n{\"rationale\": \"Wrong year.\", \"judgement\": \"Incorrect\"}\n```"));
        assertThat(new LlmJudge(model, 3).score("When?", "1999", List.of("2001")))
                .isEqualTo(new ScoreResult.Judged(false, "Wrong year.", 1, false, 15));
    }

    @Test
    void judge_of_a_reasoning_model_reads_the_verdict_from_the_text_never_from_the_reasoning() {
        llm.when(Match.interaction("judge")).reply(
                Reply.text("<think>At first {\"rationale\": \"draft\", \"judgement\": \"incorrect\"}, but Paris is"
                        + " Paris.</think>\n{\"rationale\": \"Same city.\", \"judgement\": \"correct\"}"),
                Reply.text("{\"rationale\": \"Same city.\", \"judgement\": \"correct\"}")
                        .withReasoningIn("reasoning_content", "{\"judgement\": \"incorrect\"}"));

        assertThat(new LlmJudge(model, 3).score("Capital of France?", "Paris", List.of("Paris")))
                .isEqualTo(new ScoreResult.Judged(true, "Same city.", 1, false, 15));
        assertThat(new LlmJudge(model, 3).score("Capital of France?", "Paris", List.of("Paris")))
                .isEqualTo(new ScoreResult.Judged(true, "Same city.", 1, false, 15));
    }

    @Test
    void a_verdict_cut_at_the_token_limit_is_asked_again_and_a_grade_in_reasoning_is_not_read() {
        llm.when(Match.interaction("judge")).reply(
                Reply.text("<think>It looks correct, so {\"judgement\": \"correct\"").truncated(),
                Reply.text("{\"rationale\": \"Different.\", \"judgement\": \"incorrect\"}"));
        llm.when(Match.interaction("simpleqa-grade")).reply(Reply.text("<think>Maybe A? No.</think>B"));

        assertThat(new LlmJudge(model, 3).score("q", "p", List.of("g")))
                .isEqualTo(new ScoreResult.Judged(false, "Different.", 2, false, 30));
        assertThat(new SimpleQaGrader(model, 3).score("q", "p", List.of("g")))
                .isEqualTo(new ScoreResult.Graded(SimpleQaGrade.INCORRECT, 1, false, 15));
    }

    @Test
    void judge_asks_again_after_an_unparseable_reply() {
        llm.when(Match.interaction("judge")).reply(
                Reply.text("I think it is right"),
                Reply.text("{\"rationale\": \"ok\", \"judgement\": \"maybe\"}"),
                Reply.text("{\"rationale\": \"Equivalent.\", \"judgement\": \"correct\"}"));

        assertThat(new LlmJudge(model, 3).score("q", "p", List.of("g")))
                .isEqualTo(new ScoreResult.Judged(true, "Equivalent.", 3, false, 45));
        assertThat(llm.requests(Match.interaction("judge"))).hasSize(3);
    }

    @Test
    void judge_gives_up_after_the_bounded_attempts_and_flags_the_item_incorrect() {
        llm.when(Match.interaction("judge")).reply(Reply.text("correct!"));

        ScoreResult result = new LlmJudge(model, 2).score("q", "p", List.of("g"));

        assertThat(result).isInstanceOfSatisfying(ScoreResult.Judged.class, judged -> {
            assertThat(judged.correct()).isFalse();
            assertThat(judged.flagged()).isTrue();
            assertThat(judged.attempts()).isEqualTo(2);
            assertThat(judged.tokens()).as("both calls count").isEqualTo(30);
            assertThat(judged.rationale()).isEqualTo("unparseable judge reply after 2 attempts: correct!");
        });
        assertThat(llm.requests(Match.interaction("judge"))).hasSize(2);
    }

    @Test
    void judge_failure_of_the_model_is_not_a_verdict() {
        llm.when(Match.interaction("judge")).reply(Reply.serverError());
        assertThatThrownBy(() -> new LlmJudge(model, 3).score("q", "p", List.of("g")))
                .isInstanceOf(JudgeUnavailableException.class)
                .hasMessageStartingWith("the judge model call failed: ");
    }

    @Test
    void missing_prediction_is_incorrect_without_a_call() {
        assertThat(new LlmJudge(model, 3).score("q", null, List.of("g")))
                .isEqualTo(new ScoreResult.Judged(false, "no prediction", 0, false, 0));
        assertThat(new SimpleQaGrader(model, 3).score("q", " ", List.of("g")))
                .isEqualTo(new ScoreResult.Graded(SimpleQaGrade.NOT_ATTEMPTED, 0, false, 0));
        assertThat(llm.requests(Match.any())).isEmpty();
    }

    @Test
    void simpleqa_grader_maps_letters_and_words_to_grades() {
        llm.when(Match.lastUserMessageContains("Predicted answer: one")).reply(Reply.text("A"));
        llm.when(Match.lastUserMessageContains("Predicted answer: two")).reply(Reply.text("B."));
        llm.when(Match.lastUserMessageContains("Predicted answer: three")).reply(Reply.text("NOT_ATTEMPTED"));
        SimpleQaGrader grader = new SimpleQaGrader(model, 2);

        assertThat(grader.score("q", "one", List.of("g"))).isEqualTo(new ScoreResult.Graded(SimpleQaGrade.CORRECT, 1, false, 15));
        assertThat(grader.score("q", "two", List.of("g"))).isEqualTo(new ScoreResult.Graded(SimpleQaGrade.INCORRECT, 1, false, 15));
        assertThat(grader.score("q", "three", List.of("g"))).isEqualTo(new ScoreResult.Graded(SimpleQaGrade.NOT_ATTEMPTED, 1, false, 15));
        assertThat(llm.requests(Match.interaction("simpleqa-grade"))).hasSize(3);
        assertThat(grader.score("q", "one", List.of("g")).correct()).isTrue();
    }

    @Test
    void simpleqa_grader_flags_unparseable_replies_as_not_attempted() {
        llm.when(Match.interaction("simpleqa-grade")).reply(Reply.text("As far as I can tell it is fine"));
        assertThat(new SimpleQaGrader(model, 3).score("q", "p", List.of("g")))
                .isEqualTo(new ScoreResult.Graded(SimpleQaGrade.NOT_ATTEMPTED, 3, true, 45));
    }

    @Test
    void parsers_refuse_what_is_not_a_verdict() {
        assertThat(LlmJudge.parse("{\"judgement\": true}")).isEmpty();
        assertThat(LlmJudge.parse("{not json}")).isEmpty();
        assertThat(SimpleQaGrader.parse("Absolutely")).isEmpty();
        assertThat(SimpleQaGrader.parse("(C)")).contains(SimpleQaGrade.NOT_ATTEMPTED);
    }
}
