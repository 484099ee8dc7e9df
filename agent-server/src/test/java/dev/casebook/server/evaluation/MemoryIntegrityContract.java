package dev.casebook.server.evaluation;

import static dev.casebook.server.evaluation.EvaluationRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The reproductions of issue 12 through the running server, its REST API and real case memory, with the scripted
 * LLM server as the only fake: an evaluation run never rewrites a read-only (imported) bank, importing the same
 * file twice adds nothing, and an export imported elsewhere rebuilds bank, source and evidence. Each subclass gives
 * the store (Lucene with H2, pgvector with PostgreSQL).
 */
abstract class MemoryIntegrityContract {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    static final String SQUARE = "What is 19 squared? (integrity)";
    static final String CUBE = "What is 7 cubed? (integrity)";

    @LocalServerPort
    int port;

    static final String KEY = "integrity-key";
    static final Path DATA = Path.of("target", "integrity-data-" + UUID.randomUUID()).toAbsolutePath();

    static void llmProperties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "integrity");
        registry.add("casebook.security.api-keys[0].sha256",
                () -> dev.casebook.server.security.ApiKeys.sha256(KEY));
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.timeout", () -> "5s");
        registry.add("casebook.evaluation.dataset-root", DATA::toString);
        registry.add("casebook.evaluation.upload-dir", () -> "target/eval-uploads-integrity-" + UUID.randomUUID());
    }

    /** AgentFly-style reference lines for the two questions: one right, one a pitfall. */
    static String reference() {
        return """
                {"case": "%s", "plan": "1. multiply 19 by 19", "case_label": "positive"}
                {"case": "%s", "plan": "1. guess", "case_label": "negative"}
                """.formatted(SQUARE, CUBE);
    }

    @Test
    void a_read_write_run_never_changes_a_case_of_a_read_only_imported_bank() throws Exception {
        TestClient http = new TestClient(port, KEY);
        TestClient.Reply imported = http.post("/api/cases/import?bank=agentfly", "application/x-ndjson", reference());
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.json().get("imported").asInt()).isEqualTo(2);
        TestClient.Reply readOnly = patch(http, "/api/cases/banks/agentfly", "{\"readOnly\": true}");
        assertThat(readOnly.status()).as(readOnly.body()).isEqualTo(200);
        String before = http.get("/api/cases/export?bank=agentfly").body();
        Files.createDirectories(DATA);
        Path data = DATA.resolve("integrity.jsonl");
        Files.writeString(data, """
                {"id": "sq", "question": "%s", "answers": ["361"]}
                {"id": "cu", "question": "%s", "answers": ["343"]}
                """.formatted(SQUARE, CUBE));
        LLM.when(Match.interaction("plan").and(task(SQUARE))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 361\"}"));
        LLM.when(Match.interaction("plan").and(task(CUBE))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 21\"}"));

        String run = run(http, "{\"dataset\": \"%s\", \"memoryMode\": \"read-write\", \"leaveOneTaskOut\": false, \"scorers\": [\"squad\"], \"concurrency\": 2}".formatted(data));

        assertThat(LLM.requests(Match.interaction("plan").and(task(SQUARE))).getLast().lastUserMessage())
                .as("the reference bank is read").contains("1. multiply 19 by 19");
        assertThat(http.get("/api/cases/export?bank=agentfly").body()).isEqualTo(before);
        JsonNode runBank = http.get("/api/cases?bank=run-" + run + "&size=50").json();
        assertThat(runBank.get("total").asInt()).isEqualTo(2);
        List<String> rated = new ArrayList<>();
        runBank.get("items").forEach(c -> rated.add(c.get("task").asString() + "=" + c.get("reward").asDouble()));
        assertThat(rated).containsExactlyInAnyOrder(SQUARE + "=1.0", CUBE + "=0.0");
        TestClient.Reply refused = http.post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"memoryMode\": \"read-write\", \"bank\": \"agentfly\", \"scorers\": [\"squad\"]}".formatted(data));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("detail").asString()).startsWith("bank 'agentfly' is read-only");
        TestClient.Reply edit = patch(http, "/api/cases/" + new TestClient(port, KEY).get("/api/cases?bank=agentfly").json()
                .get("items").get(0).get("id").asString(), "{\"label\": \"negative\"}");
        assertThat(edit.status()).as(edit.body()).isEqualTo(409);
        assertThat(http.get("/api/cases/export?bank=agentfly").body()).isEqualTo(before);
    }

    @Test
    void importing_the_same_file_twice_adds_nothing_and_reports_the_duplicate_lines() {
        TestClient http = new TestClient(port, KEY);
        String lines = """
                {"case": "Name the capital of Peru. (reimport)", "plan": "recall", "case_label": "positive"}
                {"case": "Name the capital of Chile. (reimport)", "plan": "recall", "case_label": "positive"}
                {"case": "Name the capital of Peru. (reimport)", "plan": "recall", "case_label": "positive"}
                not json
                """;
        String firstTwo = lines.lines().limit(2).map(l -> l + "\n").reduce("", String::concat);

        JsonNode head = http.post("/api/cases/import?bank=reimport", "application/x-ndjson", firstTwo).json();
        JsonNode whole = http.post("/api/cases/import?bank=reimport", "application/x-ndjson", lines).json();
        JsonNode again = http.post("/api/cases/import?bank=reimport", "application/x-ndjson", lines).json();

        assertThat(head.get("imported").asInt()).isEqualTo(2);
        assertThat(whole.get("imported").asInt()).isZero();
        assertThat(whole.get("duplicates").asInt()).isEqualTo(3);
        assertThat(whole.get("duplicateLines").toString()).isEqualTo("[1,2,3]");
        assertThat(whole.get("skipped").asInt()).isEqualTo(1);
        assertThat(whole.get("errors").get(0).get("line").asInt()).isEqualTo(4);
        assertThat(again.get("imported").asInt()).isZero();
        assertThat(http.get("/api/cases?bank=reimport").json().get("total").asInt()).isEqualTo(2);
        JsonNode appended = http.post("/api/cases/import?bank=reimport&mode=append", "application/x-ndjson",
                firstTwo).json();
        assertThat(appended.get("imported").asInt()).isEqualTo(2);
        JsonNode replaced = http.post("/api/cases/import?bank=reimport&mode=replace-bank", "application/x-ndjson",
                lines).json();
        assertThat(replaced.get("imported").asInt()).isEqualTo(2);
        assertThat(replaced.get("duplicateLines").toString()).isEqualTo("[3]");
        assertThat(http.get("/api/cases?bank=reimport").json().get("total").asInt()).isEqualTo(2);
        assertThat(http.post("/api/cases/import?mode=sometimes", "application/x-ndjson", firstTwo).status())
                .isEqualTo(400);
    }

    @Test
    void an_export_imported_into_an_emptied_bank_rebuilds_bank_source_and_evidence() {
        TestClient http = new TestClient(port, KEY);
        TestClient.Reply created = http.post("/api/cases", """
                {"task": "Who wrote Dune? (roundtrip)", "plan": "recall", "answer": "Herbert", "reward": 1, "source": "sandbox", "bank": "roundtrip"}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(patch(http, "/api/cases/" + id, "{\"label\": \"negative\"}").status()).isEqualTo(200);
        String exported = http.get("/api/cases/export?bank=roundtrip").body();
        JsonNode historyBefore = http.get("/api/cases/" + id + "/history").json();
        assertThat(historyBefore.get("events")).hasSize(2);

        JsonNode replaced = http.post("/api/cases/import?mode=replace-bank&bank=roundtrip", "application/x-ndjson",
                exported).json();

        assertThat(replaced.get("imported").asInt()).isEqualTo(1);
        assertThat(http.get("/api/cases/export?bank=roundtrip").body()).isEqualTo(exported);
        assertThat(http.get("/api/cases/" + id + "/history").json()).isEqualTo(historyBefore);
        JsonNode value = http.get("/api/cases/" + id).json();
        assertThat(value.get("bank").asString()).isEqualTo("roundtrip");
        assertThat(value.get("source").asString()).isEqualTo("sandbox");
        assertThat(value.get("label").asString()).isEqualTo("negative");
    }

    static TestClient.Reply patch(TestClient http, String path, String json) {
        return http.send(http.request(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    /** The planner request of this question (not one that shows it as a past case). */
    static Predicate<LlmRequest> task(String question) {
        return request -> request.lastUserMessage().startsWith("Task: " + question);
    }
}
