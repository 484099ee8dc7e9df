package dev.casebook.systemtest.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built server on its embedded default (H2 file, Lucene) stopped gracefully (SIGTERM) while a task and the items
 * of an evaluation run are waiting for the LLM: it gives their claims back before its database closes, as the
 * README says (the task is queued again, the items pending), and logs no error doing so.
 */
class GracefulStopIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path datasets;

    @Test
    void a_graceful_stop_gives_back_the_claims_of_running_tasks_and_batch_items() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            rows.append("{\"id\": \"q").append(i).append("\", \"question\": \"Held question ").append(i)
                    .append("?\", \"answers\": [\"x\"]}\n");
        }
        Path dataset = Files.writeString(datasets.resolve("held.jsonl"), rows);
        Path data;
        String taskId;
        String runId;
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            // every plan waits: the server is stopped while its task and its run's items wait for the LLM
            llm.when(Match.interaction("plan")).reply(Reply.hang());
            try (ServerProcess server = ServerProcess.builder("graceful-stop")
                    .property("casebook.tasks.instance-id", "graceful-node")
                    .property("casebook.evaluation.dataset-root", datasets.toString())
                    .property("casebook.models.planner.base-url", llm.baseUrl())
                    .property("casebook.models.planner.model", "scripted-planner")
                    .property("casebook.models.planner.timeout", "120s")
                    .startTimeout(Duration.ofMinutes(5))
                    .start()) {
                data = server.dataDir();
                taskId = json(server.postJson("/api/tasks", "{\"text\": \"Held task: what is 2+2?\"}")).path("id")
                        .asText();
                runId = json(server.postJson("/api/evaluations/runs", "{\"dataset\": \"" + dataset
                        + "\", \"concurrency\": 2, \"scorers\": [\"squad\"]}")).path("id").asText();
                assertThat(llm.awaitRequests(3, Duration.ofSeconds(120))).as(server.logTail(40)).isTrue();

                ProcessHandle process = ProcessHandle.of(server.pid()).orElseThrow();
                process.destroy(); // SIGTERM: a graceful stop, waited for as long as it takes
                process.onExit().get(5, TimeUnit.MINUTES);
                String log = server.logText();
                assertThat(log).doesNotContain("Database is already closed").doesNotContain(" ERROR ");
            }
        }
        Map<String, Integer> items = new LinkedHashMap<>();
        String taskStatus;
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("data/casebook"), "sa", "");
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT status, COUNT(*) FROM eval_items WHERE run_id = '" + runId
                    + "' GROUP BY status")) {
                while (rs.next()) {
                    items.put(rs.getString(1), rs.getInt(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT status FROM tasks WHERE id = '" + taskId + "'")) {
                assertThat(rs.next()).isTrue();
                taskStatus = rs.getString(1);
            }
        }
        assertThat(items).as("every item is pending again, none left claimed").containsExactly(Map.entry("pending", 4));
        assertThat(taskStatus).as("the task is queued again").isEqualTo("QUEUED");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }
}
