package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Dream jobs on PostgreSQL across server restarts: a restarted server continues a job (a claim a killed server left
 * behind included) and no finished rollout runs twice; a cancelled job resumes; the replay buffer is seeded at start
 * from tasks recorded before. Each server is the whole application; the LLM is the scripted server.
 */
class DreamResumeIT {
    static final String KEY = "dream-resume-key";
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @AfterAll
    static void stop() {
        LLM.close();
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    static ConfigurableApplicationContext server(TestPostgres.Schema schema) {
        return new SpringApplicationBuilder(CasebookApplication.class).run("--server.port=0",
                "--spring.datasource.url=" + schema.url(), "--spring.datasource.username=" + schema.user(),
                "--spring.datasource.password=" + schema.password(), "--spring.flyway.schemas=" + schema.name(),
                "--casebook.tasks.instance-id=node-1", "--casebook.attachments.dir=target/attachments-dream-resume",
                "--casebook.memory.store=none", "--casebook.security.enabled=true",
                "--casebook.security.api-keys[0].tenant=sleeper",
                "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256(KEY),
                "--casebook.models.planner.base-url=" + LLM.baseUrl(), "--casebook.models.planner.model=scripted",
                "--casebook.models.planner.timeout=60s", "--casebook.models.planner.max-retries=0");
    }

    static TestClient api(ConfigurableApplicationContext context) {
        return new TestClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), KEY);
    }

    /** Tasks "Sleep N: ..." answered at once after {@code latency}, each rated 1 by the experience model. */
    static void scriptSlowTasks(Duration latency) {
        LLM.when(Match.interaction("plan").and(task("Sleep")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: rested\"}").after(latency));
        LLM.when(Match.interaction("experience-outcome")).reply(Reply.text("{\"reasoning\": \"ok\", \"reward\": 1}"));
    }

    static String job(int tasks) {
        return "{\"tasks\": [" + IntStream.range(0, tasks).mapToObj(i -> "\"Sleep " + i + ": rest a while\"")
                .collect(Collectors.joining(", ")) + "], \"rolloutsPerTask\": 1, \"concurrency\": 1}";
    }

    @Test
    void a_restarted_server_continues_the_job_and_no_finished_rollout_runs_again() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("dreamresume");
        scriptSlowTasks(Duration.ofMillis(300));
        String id;
        Set<String> doneBefore = new HashSet<>();
        try (ConfigurableApplicationContext server = server(schema)) {
            TestClient api = api(server);
            id = Dreams.start(api, job(10));
            api.await("/api/synthesis/dreams/" + id, job -> job.get("done").asInt() >= 2);
            api.get("/api/synthesis/dreams/" + id + "/results").json().get("rollouts").forEach(r -> {
                if (r.get("status").asString().equals("done")) {
                    doneBefore.add(r.get("task").asString());
                }
            });
        }
        int askedBefore = LLM.requests().size();
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM dream_items WHERE status = 'running'")).isZero();
            // a killed server leaves the claims it held; simulate one on an item that was pending
            assertThat(s.executeUpdate("UPDATE dream_items SET status = 'running', claimed_by = 'node-1' WHERE seq = "
                    + "(SELECT MIN(seq) FROM dream_items WHERE run_id = '" + id + "' AND status = 'pending')"))
                    .isEqualTo(1);
        }

        try (ConfigurableApplicationContext server = server(schema)) {
            TestClient api = api(server);
            JsonNode job = Dreams.awaitJob(api, id);
            assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
            assertThat(job.get("done").asInt()).isEqualTo(10);
            assertThat(job.get("meanReward").asDouble()).isEqualTo(1.0);
            Set<String> taskIds = new HashSet<>();
            api.get("/api/synthesis/dreams/" + id + "/results").json().get("rollouts")
                    .forEach(r -> taskIds.add(r.get("taskId").asString()));
            assertThat(taskIds).hasSize(10);
        }
        List<LlmRequest> after = LLM.requests(Match.interaction("plan")).stream()
                .filter(r -> r.index() >= askedBefore).toList();
        for (String done : doneBefore) {
            assertThat(after).as("asked again after the restart: " + done).noneMatch(task(done));
        }
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM tasks WHERE source = 'synthetic'")).isEqualTo(10);
            assertThat(count(s, "SELECT COUNT(DISTINCT text) FROM tasks WHERE source = 'synthetic'")).isEqualTo(10);
        }
    }

    @Test
    void a_cancelled_job_stops_and_resumes_where_it_was() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("dreamcancel");
        scriptSlowTasks(Duration.ofMillis(200));
        try (ConfigurableApplicationContext server = server(schema)) {
            TestClient api = api(server);
            String id = Dreams.start(api, job(6));
            api.await("/api/synthesis/dreams/" + id, job -> job.get("done").asInt() >= 1);

            TestClient.Reply cancelled = api.post("/api/synthesis/dreams/" + id + "/cancel", "");
            assertThat(cancelled.status()).isEqualTo(200);
            assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
            JsonNode resting = api.await("/api/synthesis/dreams/" + id, job -> job.get("running").asInt() == 0);
            assertThat(resting.get("done").asInt()).isLessThan(6);

            TestClient.Reply resumed = api.post("/api/synthesis/dreams/" + id + "/resume", "");
            assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
            JsonNode job = Dreams.awaitJob(api, id);
            assertThat(job.get("status").asString()).isEqualTo("completed");
            assertThat(job.get("done").asInt()).isEqualTo(6);
        }
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM tasks WHERE source = 'synthetic'")).isEqualTo(6);
        }
    }

    @Test
    void a_server_seeds_its_replay_buffer_from_tasks_recorded_before_it_started() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("dreamseed");
        LLM.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"Compute 6*7\"]}"));
        LLM.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"6*7\"}"));
        LLM.when(Match.interaction("execute").and(Match.afterToolResult())).reply(Reply.text("42"));
        LLM.when(Match.interaction("replan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        try (ConfigurableApplicationContext server = server(schema)) {
            TestClient api = api(server);
            String task = api.post("/api/tasks", "{\"text\": \"What is 6*7?\", \"memoryMode\": \"off\"}").json()
                    .get("id").asString();
            assertThat(api.awaitTask(task).get("status").asString()).isEqualTo("answered");
        }
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            // as if the task had been recorded before this server had a replay buffer (a database from before V50)
            s.executeUpdate("DELETE FROM replay_transitions");
            s.executeUpdate("DELETE FROM replay_sources");
        }
        String embedded = "SELECT COUNT(*) FROM replay_transitions WHERE embedding IS NOT NULL "
                + "AND embedding_model IS NOT NULL";
        try (ConfigurableApplicationContext server = server(schema)) {
            JsonNode replay = api(server).await("/api/synthesis/replay", r -> r.get("transitions").asLong() > 0);
            assertThat(replay.get("byTool").get("calculator").asLong()).isEqualTo(1);
            try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                assertThat(count(s, embedded)).as("embedded when read").isZero();
            }
            JsonNode found = api(server).post("/api/synthesis/replay/search", "{\"task\": \"What is 7*8?\", "
                    + "\"tool\": \"calculator\", \"arguments\": \"{\\\"expression\\\": \\\"7*8\\\"}\"}").json();
            assertThat(found.get(0).get("observation").asString()).isEqualTo("42");
            try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                assertThat(count(s, embedded)).as("embedded and stored by the first search").isEqualTo(1);
            }
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
