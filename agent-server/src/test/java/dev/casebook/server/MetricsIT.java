package dev.casebook.server;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /actuator/prometheus} has the tasks', the LLM calls' (per role) and the batch runs' metrics, every series
 * registered at zero before its first event, and counts a task and an evaluation run: latency, tokens, a retry after a
 * 500, items done and their tokens.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:metrics;DB_CLOSE_DELAY=-1")
class MetricsIT {
    static final ScriptedLlmServer LLM = script(ScriptedLlmServer.start());
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> ScriptedLlmServer.MODEL);
        registry.add("casebook.models.planner.initial-backoff", () -> "10ms");
        registry.add("casebook.models.probe", () -> "false");
    }

    private static ScriptedLlmServer script(ScriptedLlmServer llm) {
        llm.when(Match.interaction("plan")).times(1).reply(Reply.serverError());
        llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"Recall the answer\"]}"));
        llm.when(Match.interaction("execute")).reply(Reply.text("The answer is 42."));
        llm.when(Match.interaction("replan").or(Match.interaction("answer")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        return llm;
    }

    @Test
    void every_series_is_there_at_zero_before_its_first_event() throws Exception {
        String metrics = get("/actuator/prometheus");

        assertThat(value(metrics, "casebook_tasks_claims_lost_total")).hasValue(0);
        for (String status : List.of("answered", "failed", "cancelled")) {
            assertThat(value(metrics, "casebook_tasks_finished_total", "status=\"" + status + "\"")).isPresent();
        }
        for (String role : List.of("planner", "executor", "judge", "experience")) {
            String tag = "role=\"" + role + "\"";
            assertThat(value(metrics, "casebook_llm_call_seconds_count", tag)).isPresent();
            assertThat(value(metrics, "casebook_llm_call_seconds_bucket", tag)).isPresent();
            assertThat(value(metrics, "casebook_llm_tokens_total", tag, "kind=\"input\"")).isPresent();
            assertThat(value(metrics, "casebook_llm_tokens_total", tag, "kind=\"output\"")).isPresent();
            assertThat(value(metrics, "casebook_llm_retries_total", tag)).isPresent();
            for (String kind : List.of("unavailable", "rejected", "deadline", "truncated", "context_window")) {
                assertThat(value(metrics, "casebook_llm_errors_total", tag, "kind=\"" + kind + "\""))
                        .as(role + " " + kind).isPresent();
            }
        }
        for (String kind : List.of("evaluation_run", "dream_job", "sandbox_task_job")) {
            String tag = "kind=\"" + kind + "\"";
            assertThat(value(metrics, "casebook_batch_items_total", tag, "result=\"done\"")).isPresent();
            assertThat(value(metrics, "casebook_batch_items_total", tag, "result=\"failed\"")).isPresent();
            assertThat(value(metrics, "casebook_batch_tokens_total", tag)).isPresent();
            assertThat(value(metrics, "casebook_batch_claims_total", tag, "result=\"claimed\"")).isPresent();
            assertThat(value(metrics, "casebook_batch_claims_total", tag, "result=\"empty\"")).isPresent();
        }
        assertThat(value(metrics, "casebook_llm_errors_total", "role=\"judge\"", "kind=\"truncated\"")).hasValue(0);
    }

    @Test
    void a_task_and_an_evaluation_run_are_counted() throws Exception {
        String before = get("/actuator/prometheus");
        double plannerCalls = value(before, "casebook_llm_call_seconds_count", "role=\"planner\"").orElseThrow();
        double plannerRetries = value(before, "casebook_llm_retries_total", "role=\"planner\"").orElseThrow();

        JsonNode task = JSON.readTree(post("/api/tasks", "{\"text\": \"What is six times seven?\"}"));
        await("/api/tasks/" + task.get("id").asString(), "answered");
        Path dataset = Files.createTempFile("metrics-", ".jsonl");
        Files.write(dataset, List.of(
                "{\"id\": \"q1\", \"question\": \"What is six times seven?\", \"answers\": [\"42\"]}",
                "{\"id\": \"q2\", \"question\": \"How many days in a week?\", \"answers\": [\"7\"]}"));
        JsonNode run = JSON.readTree(post("/api/evaluations/runs", "{\"dataset\": " + JSON.writeValueAsString(
                dataset.toString()) + ", \"scorers\": [\"squad\"]}"));
        await("/api/evaluations/runs/" + run.get("id").asString(), "completed");

        String after = get("/actuator/prometheus");
        String planner = "role=\"planner\"";
        assertThat(value(after, "casebook_llm_call_seconds_count", planner).orElseThrow())
                .isGreaterThanOrEqualTo(plannerCalls + 3);
        assertThat(value(after, "casebook_llm_retries_total", planner).orElseThrow())
                .as("the first plan call got a 500 and was sent again").isEqualTo(plannerRetries + 1);
        assertThat(value(after, "casebook_llm_tokens_total", planner, "kind=\"input\"").orElseThrow()).isPositive();
        assertThat(value(after, "casebook_llm_tokens_total", planner, "kind=\"output\"").orElseThrow()).isPositive();
        assertThat(value(after, "casebook_tasks_finished_total", "status=\"answered\"").orElseThrow())
                .isGreaterThanOrEqualTo(1);
        String evaluation = "kind=\"evaluation_run\"";
        assertThat(value(after, "casebook_batch_items_total", evaluation, "result=\"done\"")).hasValue(2);
        assertThat(value(after, "casebook_batch_items_total", evaluation, "result=\"failed\"")).hasValue(0);
        assertThat(value(after, "casebook_batch_tokens_total", evaluation).orElseThrow()).isPositive();
        assertThat(value(after, "casebook_batch_claims_total", evaluation, "result=\"claimed\"").orElseThrow())
                .as("the run's items were claimed").isPositive();
    }

    /**
     * The database pool is sized for many concurrent tasks: each records its steps and reads and writes memory
     * through it, and Hikari's ten connections kept 128 concurrent tasks waiting. (How many it keeps when idle is not
     * asserted: the build sets 2 for every test JVM.)
     */
    @Test
    void the_database_pool_holds_up_to_32_connections() throws Exception {
        assertThat(value(get("/actuator/prometheus"), "hikaricp_connections_max")).hasValue(32);
    }

    /** The value of the series {@code name} whose labels include every one of {@code labels}. */
    static OptionalDouble value(String metrics, String name, String... labels) {
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(labels).allMatch(label -> labelsOf(line).contains(label)))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst();
    }

    private static String labelsOf(String line) {
        int open = line.indexOf('{');
        return open < 0 ? "" : line.substring(open, line.indexOf('}') + 1);
    }

    void await(String path, String status) {
        eventually(path + " to become " + status, () -> JSON.readTree(get(path)),
                view -> status.equals(view.path("status").asString()));
    }

    String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    String post(String path, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response.body();
    }
}
