package dev.casebook.server.evaluation;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.http.TestClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Runs on PostgreSQL across server restarts and replicas: a restarted server continues a run without redoing or
 * double-counting finished items (including a claim a killed server left behind), and two servers sharing a run
 * never take the same item ({@code FOR UPDATE SKIP LOCKED}). The agent is the {@link TableAgent} test double.
 */
class RunResumeIT {
    static final String KEY = "key-of-the-evaluator";
    static final Map<String, String> ANSWERS = new HashMap<>();

    static {
        IntStream.range(0, 20).forEach(i -> ANSWERS.put("Question " + i + "?", "answer " + i));
    }

    @TempDir
    Path dir;

    Path dataset(int questions) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < questions; i++) {
            rows.append("{\"id\": \"q").append(i).append("\", \"question\": \"Question ").append(i)
                    .append("?\", \"answers\": [\"answer ").append(i).append("\"]}\n");
        }
        Path file = dir.resolve("questions.jsonl");
        Files.writeString(file, rows);
        return file;
    }

    /** A server with auth on, so datasets are read from {@link #dir} as its dataset root. */
    ConfigurableApplicationContext server(TestPostgres.Schema schema, String instance, Agent agent, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + schema.url(),
                        "--spring.datasource.username=" + schema.user(), "--spring.datasource.password=" + schema.password(),
                        "--spring.flyway.schemas=" + schema.name(), "--casebook.tasks.instance-id=" + instance,
                        "--casebook.attachments.dir=target/attachments-" + instance,
                        "--casebook.evaluation.upload-dir=target/datasets-" + instance, "--casebook.memory.store=none",
                        "--casebook.evaluation.dataset-root=" + dir,
                        "--casebook.security.enabled=true", "--casebook.security.api-keys[0].tenant=evaluator",
                        "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256(KEY)));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(CasebookApplication.class)
                .initializers(context -> ((GenericApplicationContext) context).registerBean(Agent.class, () -> agent))
                .run(args.toArray(String[]::new));
    }

    static TestClient http(ConfigurableApplicationContext context) {
        return new TestClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")), KEY);
    }

    static JsonNode await(TestClient http, String id, Predicate<JsonNode> condition) throws InterruptedException {
        JsonNode run = http.await("/api/evaluations/runs/" + id, condition);
        return run;
    }

    @Test
    void a_restarted_server_continues_the_run_without_redoing_or_double_counting() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("evalresume");
        Path data = dataset(6);
        TableAgent first = new TableAgent(ANSWERS);
        first.hold();
        String id;
        try (ConfigurableApplicationContext server = server(schema, "node-1", first)) {
            TestClient http = http(server);
            JsonNode created = http.post("/api/evaluations/runs",
                    "{\"dataset\": \"%s\", \"concurrency\": 2, \"scorers\": [\"squad\"]}".formatted(data)).json();
            id = created.get("id").asString();
            first.release(3);
            await(http, id, run -> run.get("done").asInt() == 3 && run.get("running").asInt() == 2);
        }
        // a killed server leaves the claims it held; simulate one on an item that was pending
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT COUNT(*) FROM eval_items WHERE status = 'running'")).isZero();
            s.executeUpdate("UPDATE eval_items SET status = 'running', claimed_by = 'node-1' WHERE run_id = '" + id
                    + "' AND seq = (SELECT MIN(seq) FROM eval_items WHERE run_id = '" + id + "' AND status = 'pending')");
        }
        Set<String> answeredBefore = Set.copyOf(first.answered);
        assertThat(answeredBefore).hasSize(3);

        TableAgent second = new TableAgent(ANSWERS);
        try (ConfigurableApplicationContext server = server(schema, "node-1", second)) {
            TestClient http = http(server);
            JsonNode done = await(http, id, run -> run.get("status").asString().equals("completed"));
            assertThat(done.get("done").asInt()).isEqualTo(6);
            assertThat(done.get("correct").asInt()).isEqualTo(6);
            assertThat(second.finished.get()).isEqualTo(3);
            JsonNode items = http.get("/api/evaluations/runs/" + id + "/results").json().get("items");
            assertThat(items).hasSize(6);
            Set<String> ids = new HashSet<>();
            items.forEach(item -> ids.add(item.get("itemId").asString()));
            assertThat(ids).hasSize(6);
        }
        for (String question : answeredBefore) {
            assertThat(second.calls(question)).as("asked again after the restart: " + question).isZero();
        }
        assertThat(first.finished.get() + second.finished.get()).isEqualTo(6);
    }

    @Test
    void two_servers_sharing_a_run_never_take_the_same_item() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("evalreplicas");
        Path data = dataset(20);
        TableAgent a = new TableAgent(ANSWERS);
        TableAgent b = new TableAgent(ANSWERS);
        a.hold();
        try (ConfigurableApplicationContext serverA = server(schema, "node-a", a)) {
            TestClient http = http(serverA);
            String id = http.post("/api/evaluations/runs",
                    "{\"dataset\": \"%s\", \"concurrency\": 3, \"scorers\": [\"squad\"]}".formatted(data)).json().get("id").asString();
            try (ConfigurableApplicationContext serverB = server(schema, "node-b", b)) {
                await(http(serverB), id, run -> run.get("done").asInt() >= 1);
                a.open();
                JsonNode done = await(http, id, run -> run.get("status").asString().equals("completed"));
                assertThat(done.get("done").asInt()).isEqualTo(20);
            }
        }
        for (int i = 0; i < 20; i++) {
            String question = "Question " + i + "?";
            assertThat(answered(a, question) + answered(b, question)).as(question).isEqualTo(1);
        }
        assertThat(b.finished.get()).isPositive();
    }

    @Test
    void a_replica_takes_up_the_run_and_the_claims_of_one_that_stopped_renewing_them() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("evalleases");
        Path data = dataset(8);
        // a lease no live replica loses on a loaded machine (renewed 20 times within it), short enough to wait out
        String[] leases = {"--casebook.tasks.lease=4s", "--casebook.tasks.renew-interval=200ms"};
        TableAgent a = new TableAgent(ANSWERS);
        TableAgent b = new TableAgent(ANSWERS);
        a.hold();
        try (ConfigurableApplicationContext serverB = server(schema, "node-b", b, leases)) {
            String id;
            try (ConfigurableApplicationContext serverA = server(schema, "node-a", a, leases)) {
                TestClient http = http(serverA);
                // created on A after B started: only A works it, and renews its claims
                id = http.post("/api/evaluations/runs",
                        "{\"dataset\": \"%s\", \"concurrency\": 2, \"scorers\": [\"squad\"]}".formatted(data))
                        .json().get("id").asString();
                a.release(2);
                await(http, id, run -> run.get("done").asInt() == 2 && run.get("running").asInt() == 2);
                // B gives back every claim not renewed for a lease in one statement (releaseExpired): a control claim
                // of a dead replica, made no earlier than A's two, proves once given back that B had its chance at
                // A's claims too, and would have taken them with it had A not renewed them
                int control;
                try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                    control = (int) count(s, "SELECT MAX(seq) FROM eval_items WHERE run_id = '" + id
                            + "' AND status = 'pending'");
                    s.executeUpdate("UPDATE eval_items SET status = 'running', claimed_by = 'node-dead', claimed_at = "
                            + "(SELECT MAX(claimed_at) FROM eval_items WHERE run_id = '" + id + "' AND claimed_by = "
                            + "'node-a' AND status = 'running') WHERE run_id = '" + id + "' AND seq = " + control);
                }
                eventually("B giving back the dead replica's claim", () -> {
                    try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                        return count(s, "SELECT COUNT(*) FROM eval_items WHERE run_id = '" + id + "' AND seq = "
                                + control + " AND claimed_by = 'node-dead'");
                    }
                }, n -> n == 0);
                try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                    assertThat(count(s, "SELECT COUNT(*) FROM eval_items WHERE run_id = '" + id + "' AND status = "
                            + "'running' AND claimed_by = 'node-a'")).as("A's renewed claims stand").isEqualTo(2);
                }
                assertThat(b.calls).as("B took items of a run A renews").isEmpty();
                assertThat(http.get("/api/evaluations/runs/" + id).json().get("running").asInt()).isEqualTo(2);

                // as if A had paused past its lease and another replica had taken one of its held items back: A
                // interrupts that item at its next renewal (recording nothing) and its freed slot claims another
                int taken;
                try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                    taken = (int) count(s, "SELECT MIN(seq) FROM eval_items WHERE run_id = '" + id
                            + "' AND status = 'running'");
                    s.executeUpdate("UPDATE eval_items SET claimed_by = 'node-z', claimed_at = CURRENT_TIMESTAMP "
                            + "WHERE run_id = '" + id + "' AND seq = " + taken);
                }
                String question = "Question " + taken + "?";
                assertThat(calls(a)).isEqualTo(4);
                assertThat(eventually("A's fifth call", () -> calls(a), n -> n >= 5))
                        .as("the interrupted item's slot took the next one").isEqualTo(5);
                assertThat(a.answered).doesNotContain(question);
                try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                    assertThat(count(s, "SELECT COUNT(*) FROM eval_items WHERE run_id = '" + id + "' AND seq = "
                            + taken + " AND status = 'done'")).as("A recorded nothing of it").isZero();
                    // node-z gives it back, and dies
                    s.executeUpdate("UPDATE eval_items SET status = 'pending', claimed_by = NULL, claimed_at = NULL "
                            + "WHERE run_id = '" + id + "' AND seq = " + taken + " AND status = 'running'");
                }
            }
            // A stopped; a killed server would also leave claims it held: simulate two, on items that were pending
            try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE eval_items SET status = 'running', claimed_by = 'node-a', claimed_at = "
                        + "CURRENT_TIMESTAMP WHERE run_id = '" + id + "' AND status = 'pending' AND seq IN (SELECT seq "
                        + "FROM eval_items WHERE run_id = '" + id + "' AND status = 'pending' ORDER BY seq LIMIT 2)");
            }
            JsonNode done = await(http(serverB), id, run -> run.get("status").asString().equals("completed"));
            assertThat(done.get("done").asInt()).isEqualTo(8);
            assertThat(done.get("correct").asInt()).isEqualTo(8);
        }
        assertThat(a.answered).hasSize(2);
        assertThat(b.answered).hasSize(6).doesNotContainAnyElementsOf(a.answered);
    }

    @Test
    void an_epoch_starts_only_when_every_item_of_the_one_before_is_done() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("evalepochs");
        Path data = dataset(3);
        TableAgent agent = new TableAgent(ANSWERS);
        agent.hold();
        try (ConfigurableApplicationContext server = server(schema, "node-1", agent)) {
            TestClient http = http(server);
            String id = http.post("/api/evaluations/runs",
                    "{\"dataset\": \"%s\", \"epochs\": 2, \"concurrency\": 4, \"scorers\": [\"squad\"]}".formatted(data))
                    .json().get("id").asString();
            await(http, id, run -> run.get("running").asInt() == 3); // the fourth slot is free, but epoch 2 waits
            agent.release(2);
            await(http, id, run -> run.get("done").asInt() == 2);
            // one item of epoch 1 is still held: however often the runner claims meanwhile, it gets nothing of epoch 2.
            // Each claim that finds nothing is counted (casebook_batch_claims_total{result="empty"}; this server works
            // no other run), and the runner claims one round after the other: the second empty claim counted from now
            // began after both items were done.
            MeterRegistry meters = server.getBean(MeterRegistry.class);
            double empty = emptyClaims(meters);
            eventually("two more empty claims of the run", () -> emptyClaims(meters), n -> n >= empty + 2);
            JsonNode waiting = http.get("/api/evaluations/runs/" + id).json();
            assertThat(waiting.get("running").asInt()).as(waiting.toString()).isEqualTo(1);
            assertThat(waiting.get("pending").asInt()).as(waiting.toString()).isEqualTo(3);
            agent.open();
            assertThat(await(http, id, run -> run.get("status").asString().equals("completed")).get("done").asInt())
                    .isEqualTo(6);
        }
    }

    private static double emptyClaims(MeterRegistry meters) {
        return meters.get("casebook.batch.claims").tag("kind", "evaluation_run").tag("result", "empty").counter()
                .count();
    }

    /** How many questions the agent was asked in all (interrupted ones too). */
    private static int calls(TableAgent agent) {
        return agent.calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static int answered(TableAgent agent, String question) {
        return agent.calls(question);
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
