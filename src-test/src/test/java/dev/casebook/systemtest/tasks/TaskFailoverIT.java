package dev.casebook.systemtest.tasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Two replicas of the built server, each its own process, on one PostgreSQL (run records and pgvector case memory),
 * with the scripted LLM as the only fake. The replica running a task (whichever claimed it: the database says) is killed ({@code kill -9}) while the LLM holds
 * back its executor's reply; the other replica takes the task back once the lease runs out, runs it again, and the
 * task ends answered, once, with one case in memory; the chat shows where it restarted.
 */
class TaskFailoverIT {
    private static final String KEY = "key-of-the-failover-test";
    private static final String TASK = "Failover check: what is 17*23?";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path shared;

    @Test
    void the_task_of_a_killed_replica_is_answered_by_the_other_once_with_one_case() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("failover");
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"Compute 17*23 with the calculator\"]}"));
            // the first executor call waits forever: the replica that sent it is killed meanwhile
            llm.when(Match.interaction("execute").and(Match.afterToolResult().negate())).times(1).reply(Reply.hang());
            llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                    .reply(Reply.toolCall("calculator", "{\"expression\": \"17*23\"}"));
            llm.when(Match.interaction("execute").and(Match.afterToolResult()))
                    .reply(Reply.dynamic(r -> Reply.text("17*23 = " + r.toolResults().getLast())));
            llm.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 391\"}"));

            List<ServerProcess> replicas = ServerProcess.startTogether(replica("replica-a", schema, llm),
                    replica("replica-b", schema, llm)); // both start at once: the slow part of this test
            try (ServerProcess a = replicas.get(0); ServerProcess b = replicas.get(1)) {
                JsonNode created = json(post(a, "/api/tasks",
                        "{\"text\": \"" + TASK + "\", \"memoryMode\": \"read-write\"}"));
                String id = created.path("id").asText();
                assertThat(created.path("status").asText()).isIn("queued", "running");
                assertThat(llm.awaitRequests(2, Duration.ofSeconds(120))).isTrue(); // planned, then held

                // the design lets either replica run it: kill the one whose claim the database holds
                String runner = runnerOf(schema, id);
                ServerProcess running = runner.equals("replica-a") ? a : b;
                ServerProcess survivor = running == a ? b : a;
                assertThat(runner).isIn("replica-a", "replica-b");
                running.kill();

                JsonNode task = awaitEnd(survivor, id);
                assertThat(task.path("status").asText()).as(task.toString()).isEqualTo("answered");
                assertThat(task.path("answer").asText()).isEqualTo("391");
                assertThat(task.path("attempt").asInt()).isEqualTo(2);
                List<String> types = new ArrayList<>();
                JsonNode steps = json(get(survivor, "/api/tasks/" + id + "/steps"));
                steps.forEach(s -> types.add(s.path("type").asText()));
                assertThat(types).containsSubsequence("planned", "restarted", "planned", "tool_called", "answered",
                        "memory_written");
                assertThat(types.stream().filter("answered"::equals)).hasSize(1);
                assertThat(types.stream().filter("memory_written"::equals)).hasSize(1);
                JsonNode restarted = steps.get(types.indexOf("restarted"));
                assertThat(restarted.path("reason").asText()).isEqualTo("lease_expired");
                assertThat(restarted.path("runner").asText()).isEqualTo(runner);
                List<LlmRequest> plans = llm.requests(Match.interaction("plan"));
                assertThat(plans).hasSize(2); // one by the killed replica, one by the replica that answered

                JsonNode cases = json(get(survivor, "/api/cases?size=200")).path("items");
                List<String> ids = new ArrayList<>();
                cases.forEach(c -> {
                    if (c.path("task").asText().equals(TASK)) {
                        ids.add(c.path("id").asText());
                    }
                });
                assertThat(ids).containsExactly(task.path("caseId").asText());
                assertThat(post(survivor, "/api/tasks/" + id + "/feedback", "{\"reward\": 1}").statusCode())
                        .isEqualTo(200);
                assertThat(json(get(survivor, "/api/cases/" + ids.getFirst())).path("reward").asDouble())
                        .isEqualTo(1.0);

                try (Browser browser = Browser.start()) { // the chat replays the task: a note where it restarted
                    browser.open(survivor.baseUrl() + "/#/settings");
                    browser.script("localStorage.setItem('casebook.apiKey', arguments[0]);"
                            + "localStorage.setItem('casebook.conversations', arguments[1]);", KEY,
                            "[{\"id\": \"failover\", \"title\": \"Failover\", \"memoryMode\": \"read-write\", "
                                    + "\"tasks\": [\"" + id + "\"], \"createdAt\": \"2026-01-01T00:00:00Z\"}]");
                    browser.open(survivor.baseUrl() + "/#/chat/failover");
                    browser.withText(".turn .task-status .badge", "answered");
                    assertThat(browser.text(".turn .note.restarted"))
                            .startsWith("Restarted: attempt 1 on '" + runner + "' did not finish");
                    assertThat(browser.text(".turn .answer")).contains("391");
                    List<String> rounds = browser.await(d -> d.findElements(By.cssSelector(".turn .plans .plan"))
                            .stream().map(plan -> plan.getDomAttribute("data-iteration")).toList());
                    assertThat(rounds).as("the plans of the attempt that answered only").containsExactly("1", "2");
                    browser.screenshot("task-restarted-on-another-replica");
                }
            }
        }
    }

    private ServerProcess.Builder replica(String name, TestPostgres.Schema schema, ScriptedLlmServer llm)
            throws Exception {
        return ServerProcess.builder(name)
                .property("spring.datasource.url", schema.url())
                .property("spring.datasource.username", schema.user())
                .property("spring.datasource.password", schema.password())
                .property("spring.flyway.schemas", schema.name())
                .property("casebook.memory.store", "pgvector")
                .property("casebook.attachments.dir", Files.createDirectories(shared.resolve("attachments")).toString())
                .property("casebook.tasks.instance-id", name)
                .property("casebook.tasks.lease", "8s") // outlasts any pause of a live replica on a loaded machine
                .property("casebook.tasks.renew-interval", "500ms")
                .property("casebook.tasks.poll-interval", "200ms")
                .property("casebook.security.enabled", "true")
                .property("casebook.security.api-keys[0].tenant", "failover")
                .property("casebook.security.api-keys[0].sha256", sha256(KEY))
                .property("casebook.models.planner.base-url", llm.baseUrl())
                .property("casebook.models.planner.model", "scripted-planner")
                .property("casebook.models.planner.api-key", "test-key")
                .property("casebook.models.executor.model", "scripted-executor");
    }

    /** The instance whose claim on the task the database holds. */
    private static String runnerOf(TestPostgres.Schema schema, String id) throws Exception {
        try (Connection connection = schema.connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT runner, status FROM tasks WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("task %s is recorded", id).isTrue();
                assertThat(row.getString(2)).as("task %s's status", id).isEqualToIgnoringCase("running");
                return row.getString(1);
            }
        }
    }

    private static JsonNode awaitEnd(ServerProcess server, String id) {
        try {
            return eventually("task " + id + " to end", () -> json(get(server, "/api/tasks/" + id)), task -> {
                String status = task.path("status").asText();
                return !status.equals("queued") && !status.equals("running");
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nlog tail:\n" + server.logTail(40), e);
        }
    }

    private static HttpResponse<String> get(ServerProcess server, String path) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + KEY).GET());
    }

    private static HttpResponse<String> post(ServerProcess server, String path, String body) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
