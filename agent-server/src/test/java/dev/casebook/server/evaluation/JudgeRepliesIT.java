package dev.casebook.server.evaluation;

import static dev.casebook.server.evaluation.EvaluationRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Evaluation runs against a reasoning model's messy replies (issue 13): the judge is reached like the planner (its
 * verdict asked for with {@code response_format}, reasoning split off, prose and fences around the JSON, a reply cut
 * at the token limit asked again with {@code retry-max-tokens}), and a run's tokens say when some were estimated.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:judgereplies;DB_CLOSE_DELAY=-1",
                "casebook.evaluation.upload-dir=target/eval-uploads-judge-replies", "casebook.memory.store=none"})
class JudgeRepliesIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.timeout", () -> "10s");
        registry.add("casebook.models.judge.model", () -> "reasoning-judge");
        registry.add("casebook.models.judge.retry-max-tokens", () -> "300");
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    @Test
    void the_judge_of_a_run_asks_for_json_and_reads_a_reasoning_models_messy_verdicts() throws Exception {
        Path data = Files.writeString(dir.resolve("messy.jsonl"), """
                {"id": "m1", "question": "What is six times seven? (messy-1)", "answers": ["42"]}
                {"id": "m2", "question": "What is six times eight? (messy-2)", "answers": ["48"]}
                """);
        LLM.when(Match.interaction("plan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        // a verdict cut inside its reasoning, then one in prose and a fence, its draft verdict in the reasoning field
        LLM.when(Match.interaction("judge").and(Match.anyMessageContains("(messy-1)"))).reply(
                Reply.text("<think>Both say 42, so {\"rationale\": \"x\", \"judgement\": \"incorrect\"").truncated(),
                Reply.text("Here is my verdict:\n```json\n{\"rationale\": \"Both are 42.\", \"judgement\": \"correct\",}"
                        + "\n```\nHope this helps.")
                        .withReasoning("Draft: {\"rationale\": \"no\", \"judgement\": \"incorrect\"}. No, 42 is 42."));
        LLM.when(Match.interaction("judge").and(Match.anyMessageContains("(messy-2)"))).reply(Reply.text(
                "<think>48 vs 42: {\"judgement\": \"correct\"}? No.</think>\n{\"rationale\": \"42 is not 48.\", "
                        + "\"judgement\": \"incorrect\"}"));
        TestClient http = new TestClient(port);

        String id = run(http, "{\"dataset\": \"%s\", \"scorers\": [\"judge\"], \"concurrency\": 1}".formatted(data));

        JsonNode items = http.get("/api/evaluations/runs/" + id + "/results").json().get("items");
        JsonNode first = items.get(0).get("question").asString().contains("messy-1") ? items.get(0) : items.get(1);
        JsonNode second = first == items.get(0) ? items.get(1) : items.get(0);
        JsonNode verdict = first.get("scores").get("judge");
        assertThat(first.get("correct").asBoolean()).as(first.toString()).isTrue();
        assertThat(verdict.get("flagged").asBoolean()).isFalse();
        assertThat(verdict.toString()).contains("Both are 42.");
        assertThat(verdict.get("tokens").asLong()).as("both calls of the verdict counted").isPositive();
        assertThat(second.get("correct").asBoolean()).as(second.toString()).isFalse();
        assertThat(second.get("scores").get("judge").toString()).contains("42 is not 48.");

        List<LlmRequest> calls = LLM.requests(Match.interaction("judge").and(Match.anyMessageContains("(messy-1)")));
        assertThat(calls).hasSize(2);
        assertThat(calls.getFirst().body().at("/response_format/type").asText()).as("the verdict asked for as JSON")
                .isEqualTo("json_schema");
        assertThat(calls.getFirst().body().at("/response_format/json_schema/schema/properties/judgement/enum").toString())
                .contains("correct", "incorrect");
        assertThat(calls.get(1).body().path("max_tokens").asInt()).as("asked again with retry-max-tokens")
                .isEqualTo(300);
        assertThat(calls).extracting(LlmRequest::model).containsOnly("reasoning-judge");
    }

    @Test
    void a_runs_tokens_are_marked_estimated_when_an_endpoint_sent_no_usage() throws Exception {
        Path counted = Files.writeString(dir.resolve("counted.jsonl"),
                "{\"id\": \"c1\", \"question\": \"What is two plus two? (counted)\", \"answers\": [\"4\"]}\n");
        Path estimated = Files.writeString(dir.resolve("estimated.jsonl"),
                "{\"id\": \"e1\", \"question\": \"What is three plus three? (estimated)\", \"answers\": [\"6\"]}\n");
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(counted)")))
                .reply(Reply.text("{\"answer\": \"4\"}"));
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(estimated)")))
                .reply(Reply.text("{\"answer\": \"6\"}").withoutUsage());
        TestClient http = new TestClient(port);

        String withUsage = run(http, "{\"dataset\": \"%s\", \"scorers\": [\"squad\"]}".formatted(counted));
        String withoutUsage = run(http, "{\"dataset\": \"%s\", \"scorers\": [\"squad\"]}".formatted(estimated));

        JsonNode exact = http.get("/api/evaluations/runs/" + withUsage).json();
        assertThat(exact.get("tokensSpent").asLong()).isPositive();
        assertThat(exact.get("tokensEstimated").asBoolean()).as(exact.toString()).isFalse();
        JsonNode guessed = http.get("/api/evaluations/runs/" + withoutUsage).json();
        assertThat(guessed.get("tokensSpent").asLong()).isPositive();
        assertThat(guessed.get("tokensEstimated").asBoolean()).as(guessed.toString()).isTrue();
    }

    @Test
    void a_runs_tokens_estimated_is_kept_on_its_items_and_says_what_the_query_over_their_steps_said()
            throws Exception {
        Path mixed = Files.writeString(dir.resolve("mixed.jsonl"), """
                {"id": "c2", "question": "What is one plus one? (counted)", "answers": ["2"]}
                {"id": "e2", "question": "What is five plus five? (estimated)", "answers": ["10"]}
                """);
        Path counted = Files.writeString(dir.resolve("counted-only.jsonl"),
                "{\"id\": \"c3\", \"question\": \"What is two plus five? (counted)\", \"answers\": [\"7\"]}\n");
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(counted)")))
                .reply(Reply.text("<think>easy</think>\n```json\n{\"answer\": \"2\"}\n```"));
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(estimated)")))
                .reply(Reply.text("Here it is: {\"answer\": \"10\"}").withoutUsage());
        TestClient http = new TestClient(port);

        String some = run(http, "{\"dataset\": \"%s\", \"scorers\": [\"squad\"]}".formatted(mixed));
        String none = run(http, "{\"dataset\": \"%s\", \"scorers\": [\"squad\"]}".formatted(counted));

        for (String runId : List.of(some, none)) {
            JsonNode view = http.get("/api/evaluations/runs/" + runId).json();
            assertThat(view.get("tokensEstimated").asBoolean()).as(view.toString())
                    .isEqualTo(estimatedByPayloads(runId));
            assertThat(jdbc.queryForList("SELECT seq FROM eval_items WHERE run_id = ? AND tokens_estimated ORDER BY seq",
                    Integer.class, runId)).as("items kept as estimated in run %s", runId)
                    .isEqualTo(jdbc.queryForList("""
                            SELECT i.seq FROM eval_items i WHERE i.run_id = ? AND EXISTS (SELECT 1 FROM task_steps s
                                WHERE s.task_id = i.task_id AND s.payload LIKE '%"tokensEstimated":true%')
                            ORDER BY i.seq""", Integer.class, runId));
        }
        assertThat(estimatedByPayloads(some)).isTrue();
        assertThat(estimatedByPayloads(none)).isFalse();
    }

    /** What a run's {@code tokensEstimated} was read as before its items kept it: a LIKE over their tasks' steps. */
    private boolean estimatedByPayloads(String runId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT CASE WHEN EXISTS (SELECT 1 FROM task_steps s JOIN eval_items i ON i.task_id = s.task_id
                    WHERE i.run_id = ? AND s.payload LIKE '%"tokensEstimated":true%') THEN TRUE ELSE FALSE END""",
                Boolean.class, runId));
    }
}
