package dev.casebook.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI description ({@code /v3/api-docs}) shows the batch views as schemas with their fields (a view built as
 * a {@code Map} shows as an object without properties), and the task, run and case endpoints say what they do.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:batch-openapi;DB_CLOSE_DELAY=-1")
class BatchViewsOpenApiIT {
    private static final List<String> JOB_FIELDS = List.of("id", "name", "status", "error", "tokensSpent",
            "createdAt", "startedAt", "finishedAt");

    @LocalServerPort
    int port;

    JsonNode api;

    @BeforeEach
    void readDescription() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v3/api-docs")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        api = JsonMapper.builder().build().readTree(r.body());
    }

    /** The schema of the 2xx JSON response of an operation, resolved through its $ref. */
    private JsonNode response(String method, String path) {
        JsonNode responses = api.path("paths").path(path).path(method).path("responses");
        assertThat(responses.isMissingNode()).as(method + " " + path + " is described").isFalse();
        JsonNode ok = responses.has("200") ? responses.path("200") : responses.path("201").isMissingNode()
                ? responses.path("202") : responses.path("201");
        JsonNode schema = ok.path("content").iterator().next().path("schema");
        if (schema.has("items")) {
            schema = schema.path("items");
        }
        return resolve(schema);
    }

    private JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asString("");
        assertThat(ref).as("a named schema, not an inline map: " + schema).startsWith("#/components/schemas/");
        return api.path("components").path("schemas").path(ref.substring(ref.lastIndexOf('/') + 1));
    }

    private static List<String> properties(JsonNode schema) {
        List<String> names = new ArrayList<>();
        schema.path("properties").propertyNames().forEach(names::add);
        return names;
    }

    private JsonNode property(JsonNode schema, String name) {
        JsonNode property = schema.path("properties").path(name);
        return property.has("items") ? resolve(property.path("items")) : resolve(property);
    }

    @Test
    void evaluation_runs_have_schemas_with_their_fields() {
        for (String[] op : new String[][] {{"get", "/api/evaluations/runs/{id}"}, {"get", "/api/evaluations/runs"},
                {"post", "/api/evaluations/runs"}, {"post", "/api/evaluations/runs/{id}/cancel"},
                {"post", "/api/evaluations/runs/{id}/resume"}}) {
            JsonNode run = response(op[0], op[1]);
            assertThat(properties(run)).as(op[0] + " " + op[1]).containsAll(JOB_FIELDS).contains("dataset",
                    "settings", "total", "done", "running", "pending", "correct", "accuracy", "etaSeconds",
                    "tokensEstimated");
        }
        assertThat(properties(property(response("get", "/api/evaluations/runs/{id}"), "dataset")))
                .containsExactlyInAnyOrder("name", "path", "format");
        JsonNode results = response("get", "/api/evaluations/runs/{id}/results");
        assertThat(properties(results)).containsExactlyInAnyOrder("run", "aggregates", "items");
        assertThat(properties(property(results, "items"))).contains("seq", "epoch", "attempt", "itemId", "group",
                "question", "golds", "status", "prediction", "outcome", "detail", "correct", "scores", "tokens",
                "millis", "selectedCases", "guardLeak", "taskId", "finishedAt");
        assertThat(properties(response("get", "/api/evaluations/runs/{id}/items")))
                .containsExactlyInAnyOrder("items", "page", "size", "total");
        assertThat(properties(response("get", "/api/evaluations/runs/{id}/curve")))
                .containsExactlyInAnyOrder("window", "memoryMode", "points", "pass1ByEpoch");
        JsonNode comparison = response("get", "/api/evaluations/compare");
        assertThat(properties(comparison)).containsExactlyInAnyOrder("a", "b", "delta", "questions");
        assertThat(properties(property(comparison, "questions"))).containsExactlyInAnyOrder("both", "neither",
                "onlyA", "onlyB", "onlyAIds", "onlyBIds");
    }

    @Test
    void dream_jobs_have_schemas_with_their_fields() {
        JsonNode job = response("get", "/api/synthesis/dreams/{id}");
        assertThat(properties(job)).containsAll(JOB_FIELDS).contains("settings", "total", "done", "running",
                "pending", "rated", "successes", "meanReward", "curriculum", "fidelity");
        assertThat(properties(property(job, "curriculum"))).containsExactlyInAnyOrder("rounds", "done");
        assertThat(properties(response("get", "/api/synthesis/dreams"))).containsAll(JOB_FIELDS);
        JsonNode results = response("get", "/api/synthesis/dreams/{id}/results");
        assertThat(properties(results)).as("the job's fields unwrapped beside its tasks, rollouts and rounds")
                .containsAll(JOB_FIELDS).contains("total", "curriculum", "tasks", "rollouts", "rounds");
        assertThat(properties(property(results, "tasks"))).containsExactlyInAnyOrder("no", "task", "parent",
                "round", "rollouts", "rated", "successRate", "meanReward", "variedIn");
        assertThat(properties(property(results, "rollouts"))).contains("seq", "round", "taskNo", "task", "status",
                "outcome", "reward", "detail", "taskId", "caseId", "tokens", "experienceTokens", "millis",
                "transitions", "finishedAt");
        assertThat(properties(property(results, "rounds"))).containsExactlyInAnyOrder("round", "status", "outcome",
                "summary", "experienceTokens", "finishedAt");
    }

    @Test
    void sandbox_task_jobs_have_schemas_with_their_fields() {
        JsonNode job = response("get", "/api/synthesis/sandbox-tasks/{id}");
        assertThat(properties(job)).containsAll(JOB_FIELDS).contains("settings", "isolation", "runLimits", "tasks",
                "rollouts", "difficulty", "groups", "resumedAt");
        assertThat(properties(property(job, "groups"))).containsExactlyInAnyOrder("total", "decided", "outcomes");
        assertThat(properties(property(job, "tasks"))).containsExactlyInAnyOrder("total", "generated", "kept",
                "discarded", "discardReasons", "validation");
        assertThat(properties(property(job, "rollouts"))).containsExactlyInAnyOrder("total", "done", "running",
                "passed", "failed", "errors", "successRate");
        JsonNode difficulty = property(job, "difficulty");
        assertThat(properties(difficulty)).containsExactlyInAnyOrder("current", "target", "levels", "rounds");
        assertThat(properties(property(difficulty, "rounds"))).contains("round", "difficulty", "generated", "kept",
                "rollouts", "passed", "successRate", "finished", "next", "reason");
        assertThat(properties(property(difficulty, "levels"))).containsExactlyInAnyOrder("level", "generated",
                "kept", "rollouts", "passed", "successRate");
        assertThat(properties(property(job, "settings"))).contains("domain", "tasks", "rolloutsPerTask",
                "concurrency", "tasksPerRound", "startDifficulty", "memoryMode", "policy", "models", "maxTokens",
                "repairAttempts", "dedupe", "seedFrom", "seeds", "curriculum", "given");
        JsonNode results = response("get", "/api/synthesis/sandbox-tasks/{id}/results");
        assertThat(properties(results)).containsAll(JOB_FIELDS).contains("tasks", "difficulty", "generatedTasks",
                "rolloutResults");
        assertThat(properties(property(results, "generatedTasks"))).contains("slot", "round", "difficulty",
                "estimate", "kept", "reason", "detail", "statement", "files", "validator", "reference",
                "referenceAnswer", "nearMiss", "repairs", "seed", "group", "tokens", "millis");
        assertThat(properties(property(property(results, "generatedTasks"), "group"))).containsExactlyInAnyOrder(
                "status", "outcome", "detail", "triage", "successRate", "lesson", "positiveCaseId", "negativeCaseId",
                "tokens", "finishedAt");
        assertThat(properties(property(results, "rolloutResults"))).contains("slot", "rollout", "round",
                "difficulty", "status", "taskId", "reward", "verdict", "validatorOutput", "lesson", "caseId",
                "outcome", "detail", "tokens", "millis", "finishedAt");
    }

    @Test
    void task_run_and_case_endpoints_say_what_they_do() {
        List<String> undescribed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : api.path("paths").properties()) {
            if (!path.getKey().matches("/api/(tasks|evaluations|cases)(/.*)?")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (operation.getValue().path("summary").asString("").isBlank()) {
                    undescribed.add(operation.getKey() + " " + path.getKey());
                }
            }
        }
        assertThat(undescribed).isEmpty();
        assertThat(api.path("paths").path("/api/evaluations/runs/{id}").path("get").path("summary").asString())
                .isEqualTo("An evaluation run's progress");
    }
}
