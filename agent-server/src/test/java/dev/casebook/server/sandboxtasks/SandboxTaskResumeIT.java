package dev.casebook.server.sandboxtasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A sandbox task job across a server restart on PostgreSQL: the restarted server continues the job without asking
 * for its task again or redoing a finished rollout, and runs a claim that a killed server left behind.
 */
class SandboxTaskResumeIT {
    static final String KEY = "sandbox-resume-key";
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterAll
    static void close() {
        LLM.close();
    }

    static ConfigurableApplicationContext server(TestPostgres.Schema schema) {
        return new SpringApplicationBuilder(CasebookApplication.class).run("--server.port=0",
                "--spring.datasource.url=" + schema.url(), "--spring.datasource.username=" + schema.user(),
                "--spring.datasource.password=" + schema.password(), "--spring.flyway.schemas=" + schema.name(),
                "--casebook.tasks.instance-id=node-1", "--casebook.attachments.dir=target/attachments-resume",
                "--casebook.memory.store=none", "--casebook.security.enabled=true",
                "--casebook.security.api-keys[0].tenant=resumer",
                "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256(KEY),
                "--casebook.models.planner.base-url=" + LLM.baseUrl(), "--casebook.models.planner.model=scripted",
                "--casebook.models.planner.timeout=120s", "--casebook.models.planner.max-retries=0");
    }

    static JsonNode call(ConfigurableApplicationContext server, String method, String path, String body)
            throws Exception {
        int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return Scripts.JSON.readTree(response.body());
    }

    static JsonNode await(ConfigurableApplicationContext server, String id, Predicate<JsonNode> condition)
            throws Exception {
        try {
            return eventually("job " + id + " to get there", () -> call(server, "GET",
                    "/api/synthesis/sandbox-tasks/" + id, null), condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nresults: "
                    + call(server, "GET", "/api/synthesis/sandbox-tasks/" + id + "/results", null), e);
        }
    }

    @Test
    void a_restarted_server_continues_a_job_without_redoing_its_generation_or_finished_rollouts() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("sandboxresume");
        LLM.when(Match.interaction("generate-task"))
                .reply(Reply.text(Scripts.json(Scripts.sumTask("[resume]"))));
        AtomicInteger plans = new AtomicInteger();
        String plan = "{\"subtasks\": [\"Write sum.txt\"]}";
        // the second rollout's plan is held, so the server stops while that rollout runs
        Gate secondPlan = new Gate();
        LLM.when(Match.interaction("plan")).reply(Reply.dynamic(r -> plans.incrementAndGet() == 2
                ? Reply.text(plan).heldBy(secondPlan) : Reply.text(plan)));
        LLM.when(Match.interaction("execute").and(Match.afterToolResult().negate())).reply(Reply.toolCall(
                "execute_code", Scripts.json(Map.of("language", "python",
                        "code", "open('sum.txt', 'w').write('12')"))));
        LLM.when(Match.interaction("execute").and(Match.afterToolResult())).reply(Reply.text("written"));
        LLM.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 12\"}"));

        String id;
        String firstTask;
        try (ConfigurableApplicationContext server = server(schema)) {
            id = call(server, "POST", "/api/synthesis/sandbox-tasks", """
                    {"domain": "resumable sums", "tasks": 1, "rolloutsPerTask": 4, "concurrency": 1,
                     "memoryMode": "off"}""").get("id").asString();
            await(server, id, job -> job.get("rollouts").get("done").asInt() == 1 && plans.get() == 2);
            firstTask = call(server, "GET", "/api/synthesis/sandbox-tasks/" + id + "/results", null)
                    .get("rolloutResults").get(0).get("taskId").asString();
        }
        secondPlan.open(); // its server stopped: the call it was waiting for is gone
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM sandbox_task_items WHERE status = 'running'"))
                    .as("the stopped server gave its claim back").isZero();
            assertThat(count(s, "SELECT COUNT(*) FROM sandbox_task_items WHERE status = 'done'")).isEqualTo(2);
            // a killed server leaves the claims it held; simulate one on the next pending rollout
            s.executeUpdate("UPDATE sandbox_task_items SET status = 'running', claimed_by = 'node-1' WHERE run_id = '"
                    + id + "' AND seq = (SELECT MIN(seq) FROM sandbox_task_items WHERE run_id = '" + id
                    + "' AND status = 'pending')");
        }

        try (ConfigurableApplicationContext server = server(schema)) {
            JsonNode done = await(server, id, job -> job.get("status").asString().equals("completed"));
            assertThat(done.get("rollouts").get("done").asInt()).isEqualTo(4);
            assertThat(done.get("rollouts").get("passed").asInt()).isEqualTo(4);
            JsonNode results = call(server, "GET", "/api/synthesis/sandbox-tasks/" + id + "/results", null);
            List<String> taskIds = new ArrayList<>();
            results.get("rolloutResults").forEach(r -> taskIds.add(r.get("taskId").asString()));
            assertThat(taskIds).hasSize(4).doesNotHaveDuplicates().startsWith(firstTask);
            assertThat(call(server, "GET", "/api/tasks/" + firstTask, null).get("reward").asDouble()).isEqualTo(1.0);
        }
        assertThat(LLM.requests(Match.interaction("generate-task"))).as("the task is not generated again").hasSize(1);
        assertThat(plans.get()).as("1 rollout before, the held one again and 2 more after the restart").isEqualTo(5);
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM tasks")).as("one task record per finished rollout").isEqualTo(4);
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
