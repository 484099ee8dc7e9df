package dev.casebook.server.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.CasebookAgent;
import dev.casebook.server.agent.Agent;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A batch run through the real agent (planner over LangChain4j) with the scripted LLM server as the only fake, on a
 * GAIA-format fixture: answers are extracted after {@code FINAL ANSWER:}, scored by the GAIA rules, judged by the
 * {@code judge} prompt, and reported.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:agentrun;DB_CLOSE_DELAY=-1",
                "casebook.evaluation.upload-dir=target/eval-uploads-agent", "casebook.memory.store=none"})
class AgentRunIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @LocalServerPort
    int port;
    @Autowired
    Agent agent;
    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "1");
        registry.add("casebook.models.judge.model", () -> "scripted-judge");
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    @Test
    void a_gaia_run_goes_through_the_real_agent_and_is_scored_by_the_official_rules_and_the_judge() throws Exception {
        assertThat(agent).isInstanceOf(CasebookAgent.class);
        Path validation = Files.createDirectories(dir.resolve("gaia/2023/validation"));
        Files.writeString(validation.resolve("metadata.jsonl"), """
                {"task_id": "g-1", "Question": "How many legs has a spider? (agent-run-1)", "Level": 1, "Final answer": "8", "file_name": ""}
                {"task_id": "g-2", "Question": "Name the sea gull species. (agent-run-2)", "Level": 2, "Final answer": "herring gull", "file_name": ""}
                {"task_id": "g-3", "Question": "What is the total of the sheet? (agent-run-3)", "Level": 2, "Final answer": "1,234", "file_name": ""}
                """);
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(agent-run-1)")))
                .reply(Reply.text("{\"answer\": \"Spiders have eight legs.\\nFINAL ANSWER: 8.0\"}"));
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(agent-run-2)")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: Herring Gull\"}"));
        LLM.when(Match.interaction("plan").and(Match.anyMessageContains("(agent-run-3)")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 1234\"}"));
        LLM.when(Match.interaction("judge").and(Match.lastUserMessageContains("Predicted answer: 1234")))
                .reply(Reply.text("{\"rationale\": \"1234 is 1,234\", \"judgement\": \"correct\"}"));
        LLM.when(Match.interaction("judge"))
                .reply(Reply.text("{\"rationale\": \"same\", \"judgement\": \"correct\"}"));

        TestClient http = new TestClient(port);
        TestClient.Reply created = http.post("/api/evaluations/runs", """
                {"dataset": "%s", "scorers": ["gaia", "judge"], "concurrency": 2}
                """.formatted(dir.resolve("gaia")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        JsonNode run = await(http, id);

        assertThat(run.get("done").asInt()).isEqualTo(3);
        assertThat(run.get("correct").asInt()).isEqualTo(2); // "1234" against the list "1,234" fails GAIA's rule
        JsonNode results = http.get("/api/evaluations/runs/" + id + "/results").json();
        JsonNode byLevel = results.get("aggregates").get("1");
        assertThat(byLevel.get("level 1").get("pass1").asDouble()).isEqualTo(1.0);
        assertThat(byLevel.get("level 2").get("pass1").asDouble()).isEqualTo(0.5);
        assertThat(byLevel.get("all").get("scorers").get("judge").get("accuracy").asDouble()).isEqualTo(1.0);
        JsonNode first = results.get("items").get(0);
        assertThat(first.get("prediction").asString()).isEqualTo("8.0");
        assertThat(first.get("outcome").asString()).isEqualTo("answered");
        assertThat(first.get("tokens").asLong()).isPositive();
        assertThat(first.get("scores").get("gaia").get("rule").asString()).isEqualTo("number");
        // the item's episode is a task of its own: its trace reads like any task's
        JsonNode task = http.get("/api/tasks/" + first.get("taskId").asString()).json();
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("8.0");
        assertThat(task.get("text").asString()).contains("(agent-run-1)");
        long judged = first.get("scores").get("judge").get("tokens").asLong();
        assertThat(judged).as("the judge's call counts").isPositive();
        assertThat(first.get("tokens").asLong()).as("the item's tokens: the agent's and the judge's")
                .isEqualTo(task.get("tokens").asLong() + judged);
        JsonNode steps = http.get("/api/tasks/" + first.get("taskId").asString() + "/steps").json();
        List<String> types = new ArrayList<>();
        steps.forEach(step -> types.add(step.get("type").asString()));
        assertThat(types).containsExactly("planned", "answered");
        assertThat(steps.get(0).get("seq").asInt()).isEqualTo(1);
        assertThat(http.get("/api/evaluations/runs/" + id + "/gaia-submission").body().lines().toList()).containsExactly(
                "{\"task_id\":\"g-1\",\"model_answer\":\"8.0\"}",
                "{\"task_id\":\"g-2\",\"model_answer\":\"Herring Gull\"}",
                "{\"task_id\":\"g-3\",\"model_answer\":\"1234\"}");
        assertThat(LLM.requests(Match.interaction("judge"))).hasSize(3);
        assertThat(LLM.requests(Match.interaction("judge")).getFirst().model()).isEqualTo("scripted-judge");
    }

    private static JsonNode await(TestClient http, String id) throws InterruptedException {
        JsonNode run = http.await("/api/evaluations/runs/" + id, TestClient::atRest);
                assertThat(run.get("status").asString()).isEqualTo("completed");
        return run;
    }
}
