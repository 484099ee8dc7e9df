package dev.casebook.server.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** POST /api/evaluations/score on a running server, the judge against the scripted LLM server. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:scoringapi;DB_CLOSE_DELAY=-1", "casebook.memory.store=none"})
class ScoringApiIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.judge.base-url", LLM::baseUrl);
        registry.add("casebook.models.judge.model", () -> "judge-model");
        registry.add("casebook.models.judge.max-retries", () -> "0");
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    @Test
    void scores_jsonl_lines_with_their_scorers_including_the_judge() {
        LLM.when(Match.interaction("judge").and(Match.lastUserMessageContains("Predicted answer: Obama")))
                .reply(Reply.text("{\"rationale\":\"same person\",\"judgement\":\"correct\"}"));
        TestClient.Reply reply = new TestClient(port).post("/api/evaluations/score", "application/x-ndjson", """
                {"id": "1", "prediction": "$1,000", "gold": "1000", "scorer": "gaia"}
                {"id": "2", "prediction": "the cat sat", "gold": ["cat sat"], "scorer": "squad"}
                {"id": "3", "question": "Who?", "prediction": "Obama", "gold": "Barack Obama", "scorer": "judge"}
                """);

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode json = reply.json();
        assertThat(json.get("items")).hasSize(3);
        assertThat(json.get("items").get(0).get("correct").asBoolean()).isTrue();
        assertThat(json.get("items").get(1).get("f1").asDouble()).isEqualTo(1.0);
        assertThat(json.get("items").get(2).get("rationale").asString()).isEqualTo("same person");
        assertThat(json.get("summary").get("judge").get("accuracy").asDouble()).isEqualTo(1.0);
        assertThat(LLM.requests(Match.lastUserMessageContains("Predicted answer: Obama")).getFirst().lastUserMessage())
                .contains("Question: Who?", "- Barack Obama");
    }

    @Test
    void default_scorer_comes_from_the_query() {
        TestClient.Reply reply = new TestClient(port).post("/api/evaluations/score?scorer=deepresearcher", "text/plain",
                "{\"id\": \"a\", \"prediction\": \"Paris\", \"gold\": \"paris\"}\n");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().get("items").get(0).get("scorer").asString()).isEqualTo("deepresearcher");
        assertThat(reply.json().get("items").get(0).get("em").asBoolean()).isTrue();
    }

    @Test
    void malformed_lines_are_a_problem_naming_the_line() {
        TestClient.Reply reply = new TestClient(port).post("/api/evaluations/score", "application/x-ndjson", """
                {"id": "1", "prediction": "x", "gold": "x", "scorer": "gaia"}
                {"id": "2", "prediction": "x", "gold": "x", "scorer": "rouge"}
                """);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).startsWith("line 2: unknown scorer 'rouge'");

        TestClient.Reply empty = new TestClient(port).post("/api/evaluations/score", "application/x-ndjson", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("detail").asString()).contains("a JSONL body");
    }

    @Test
    void a_failing_judge_model_is_a_bad_gateway_not_a_verdict() {
        LLM.when(Match.lastUserMessageContains("Predicted answer: broken")).reply(Reply.status(400, "scripted refusal"));
        TestClient.Reply reply = new TestClient(port).post("/api/evaluations/score", "application/x-ndjson",
                "{\"id\": \"1\", \"prediction\": \"broken\", \"gold\": \"x\", \"scorer\": \"judge\"}\n");
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.json().get("detail").asString()).startsWith("the judge model call failed")
                .endsWith("(llm_rejected)");
    }

    @Test
    void an_unavailable_judge_model_is_a_503_that_trying_later_may_help() {
        LLM.when(Match.lastUserMessageContains("Predicted answer: overloaded"))
                .reply(Reply.status(503, "scripted overload"));
        TestClient.Reply reply = new TestClient(port).post("/api/evaluations/score", "application/x-ndjson",
                "{\"id\": \"1\", \"prediction\": \"overloaded\", \"gold\": \"x\", \"scorer\": \"judge\"}\n");
        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).startsWith("the judge model call failed")
                .endsWith("(llm_unavailable); trying again later may help");
    }
}
