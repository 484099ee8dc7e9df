package dev.casebook.server.tasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.http.TestClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Replicas sharing one PostgreSQL claim tasks from it: a task goes to whichever replica has room, a crashed
 * replica's task is taken back and run again elsewhere (its trace kept, a {@code restarted} step between the
 * attempts), cancel works from any replica, and a replica that lost a claim writes nothing more. The agent is the
 * {@link HeldAgent} test double; the real agent with memory across a killed server process is src-test's
 * {@code TaskFailoverIT}.
 */
class TaskQueueIT {
    private Replica replica(TestPostgres.Schema schema, String instance, HeldAgent agent, String... extra) {
        return Replica.start(schema.url(), schema.user(), schema.password(), schema.name(), instance, agent, extra);
    }

    @Test
    void a_task_submitted_to_a_full_replica_is_run_by_another() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuefull");
        HeldAgent agentA = new HeldAgent().hold();
        HeldAgent agentB = new HeldAgent();
        // node-a alone takes the first task (from its submission or, if it was claiming just then, from the queue)
        try (Replica a = replica(schema, "node-a", agentA, "--casebook.tasks.max-running=1")) {
            String first = a.submit("first");
            agentA.awaitWaiting("first");
            try (Replica b = replica(schema, "node-b", agentB)) {
                String second = a.submit("second");

                JsonNode done = a.api().awaitTask(second);
                assertThat(done.get("status").asString()).isEqualTo("answered");
                assertThat(done.get("answer").asString()).isEqualTo("done: second");
                assertThat(agentB.runs("second")).isEqualTo(1);
                assertThat(agentA.runs("second")).isZero();
                assertThat(runner(a, second)).isEqualTo("node-b");
                assertThat(a.api().get("/api/tasks/" + first).json().get("status").asString()).isEqualTo("running");
                agentA.open();
                assertThat(a.api().awaitTask(first).get("answer").asString()).isEqualTo("done: first");
                assertThat(runner(a, first)).isEqualTo("node-a");
            }
        }
    }

    @Test
    void the_task_of_a_crashed_replica_is_run_again_by_another_with_its_trace_kept() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuecrash");
        HeldAgent agent = new HeldAgent();
        try (Replica b = replica(schema, "node-b", agent)) {
            String id = UUID.randomUUID().toString();
            UUID earlierPick = UUID.randomUUID();
            Claim crashed = TaskRows.running(jdbc(b), json(b), spec(id, "what the crashed replica ran"), "node-a", 1,
                    Instant.now().plusSeconds(60));
            TaskStore records = b.bean(TaskStore.class);
            assertThat(records.appendStep(crashed, 1, new Step.CasesSelected("similarity",
                    List.of(new Step.CasesSelected.Pick(earlierPick, 0.5, "positive", "old", "positive", 0, 0)), 1)))
                    .isTrue();
            assertThat(records.appendStep(crashed, 2, new Step.Planned(1, "{}", List.of("half done"), 10, 1))).isTrue();
            // node-a crashed: its lease runs out
            jdbc(b).update("UPDATE tasks SET lease_until = ? WHERE id = ?",
                    Instant.now().minusSeconds(1).atOffset(ZoneOffset.UTC), id);

            JsonNode task = b.api().awaitTask(id);

            assertThat(task.get("status").asString()).isEqualTo("answered");
            assertThat(task.get("attempt").asInt()).isEqualTo(2);
            assertThat(agent.runs("what the crashed replica ran")).isEqualTo(1);
            assertThat(types(b, id)).containsExactly("cases_selected", "planned", "restarted", "cases_selected",
                    "planned", "answered");
            JsonNode steps = b.api().get("/api/tasks/" + id + "/steps").json();
            for (int i = 0; i < steps.size(); i++) {
                assertThat(steps.get(i).get("seq").asInt()).isEqualTo(i + 1);
            }
            JsonNode restarted = steps.get(2);
            assertThat(restarted.get("reason").asString()).isEqualTo("lease_expired");
            assertThat(restarted.get("attempt").asInt()).isEqualTo(1);
            assertThat(restarted.get("runner").asString()).isEqualTo("node-a");
            assertThat(restarted.get("phase").asString()).isEqualTo("queue");
            // the cases the re-run selected replace the earlier attempt's: feedback credits those only
            assertThat(task.get("selected")).hasSize(1);
            assertThat(task.get("selected").get(0).get("caseId").asString())
                    .isEqualTo(agent.picked.get("what the crashed replica ran").toString());
            String stream = TaskApiContract.events(b.api(), id);
            assertThat(stream.indexOf("event:restarted")).isPositive();
            assertThat(stream.indexOf("event:restarted")).isLessThan(stream.lastIndexOf("event:planned"));
        }
    }

    @Test
    void a_replica_restarted_under_the_same_id_takes_its_running_tasks_back_at_once() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuerestart");
        HeldAgent agentB = new HeldAgent();
        HeldAgent agentA = new HeldAgent();
        try (Replica b = replica(schema, "node-b", agentB, "--casebook.tasks.lease=600s")) {
            String id = UUID.randomUUID().toString();
            // what node-a left when it was killed: a claim whose lease has not run out yet (and will not in this test)
            TaskRows.running(jdbc(b), json(b), spec(id, "left running"), "node-a", 1, Instant.now().plusSeconds(300));
            // and one whose lease ran out: once node-b took that back, its sweep has seen this one and left it alone
            String expired = UUID.randomUUID().toString();
            TaskRows.running(jdbc(b), json(b), spec(expired, "lease ran out"), "node-a", 1,
                    Instant.now().minusSeconds(1));
            assertThat(b.api().awaitTask(expired).get("attempt").asInt()).isEqualTo(2);
            assertThat(b.api().get("/api/tasks/" + id).json().get("status").asString()).isEqualTo("running");
            assertThat(runner(b, id)).isEqualTo("node-a");

            try (Replica a = replica(schema, "node-a", agentA, "--casebook.tasks.lease=600s")) {
                JsonNode task = a.api().awaitTask(id);
                assertThat(task.get("status").asString()).isEqualTo("answered");
                assertThat(task.get("attempt").asInt()).isEqualTo(2);
                assertThat(step(a, id, "restarted").get("reason").asString()).isEqualTo("server_restarted");
                assertThat(agentA.runs("left running") + agentB.runs("left running")).isEqualTo(1);
            }
        }
    }

    @Test
    void a_task_running_on_one_replica_is_cancelled_from_another() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuecancel");
        HeldAgent agentA = new HeldAgent().hold();
        HeldAgent agentB = new HeldAgent().hold();
        try (Replica a = replica(schema, "node-a", agentA); Replica b = replica(schema, "node-b", agentB)) {
            String id = b.submit("cancel me from elsewhere");
            // node-b takes it, unless it was claiming from the queue just then and node-a did: cancel from the other
            await(() -> agentA.waiting.contains("cancel me from elsewhere")
                    || agentB.waiting.contains("cancel me from elsewhere"));
            boolean onB = agentB.waiting.contains("cancel me from elsewhere");
            HeldAgent running = onB ? agentB : agentA;
            Replica other = onB ? a : b;

            TestClient.Reply cancelled = other.api().post("/api/tasks/" + id + "/cancel", "");

            assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
            assertThat(cancelled.json().get("status").asString()).isEqualTo("running");
            assertThat(cancelled.json().get("cancelRequestedAt").isNull()).isFalse();
            JsonNode task = other.api().awaitTask(id);
            assertThat(task.get("status").asString()).isEqualTo("cancelled");
            assertThat(running.interrupted).contains("cancel me from elsewhere");
            assertThat(types(other, id).getLast()).isEqualTo("stopped");
            assertThat(other.api().post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(409);
        }
    }

    @Test
    void a_queued_task_is_cancelled_at_once_and_never_runs() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuecancelq");
        HeldAgent agent = new HeldAgent().hold();
        try (Replica a = replica(schema, "node-a", agent, "--casebook.tasks.max-running=1")) {
            String running = a.submit("holds the only slot");
            agent.awaitWaiting("holds the only slot");
            String queued = a.submit("waits for a slot");
            assertThat(a.api().get("/api/tasks/" + queued).json().get("status").asString()).isEqualTo("queued");
            String later = a.submit("queued after it");

            TestClient.Reply cancelled = a.api().post("/api/tasks/" + queued + "/cancel", "");

            assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
            assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
            assertThat(cancelled.json().get("detail").asString()).isEqualTo("cancelled while queued");
            agent.open();
            assertThat(a.api().awaitTask(running).get("status").asString()).isEqualTo("answered");
            // the freed slot claims the oldest queued task: the later one, as the cancelled one is not queued any more
            assertThat(a.api().awaitTask(later).get("status").asString()).isEqualTo("answered");
            assertThat(agent.runs("waits for a slot")).isZero();
            assertThat(a.api().get("/api/tasks/" + queued).json().get("status").asString()).isEqualTo("cancelled");
        }
    }

    @Test
    void no_task_runs_twice_while_two_full_replicas_claim_the_queue() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuerace");
        HeldAgent agentA = new HeldAgent().hold();
        HeldAgent agentB = new HeldAgent().hold();
        try (Replica a = replica(schema, "node-a", agentA, "--casebook.tasks.max-running=3");
                Replica b = replica(schema, "node-b", agentB, "--casebook.tasks.max-running=3")) {
            // six tasks fill both replicas (three slots each); which replica runs which is theirs to decide
            List<String> ids = new ArrayList<>();
            List<String> fills = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fills.add("fills a " + i);
                ids.add(a.submit("fills a " + i));
                fills.add("fills b " + i);
                ids.add(b.submit("fills b " + i));
            }
            awaitWaitingOnBoth(agentA, agentB, "fills ");
            for (int i = 0; i < 40; i++) {
                ids.add((i % 2 == 0 ? a : b).submit("queued " + i));
            }
            // the fills end: both replicas claim from the queue at once, until the queued tasks they hold fill them
            fills.forEach(text -> {
                agentA.release(text);
                agentB.release(text);
            });
            Set<String> onA = agentA.awaitWaiting(3, "queued ");
            Set<String> onB = agentB.awaitWaiting(3, "queued ");
            assertThat(onA).as("each runs on one replica only").doesNotContainAnyElementsOf(onB);
            agentA.open();
            agentB.open();
            for (String id : ids) {
                assertThat(a.api().awaitTask(id).get("status").asString()).isEqualTo("answered");
            }
            int ranOnA = 0;
            int ranOnB = 0;
            for (int i = 0; i < 40; i++) {
                String text = "queued " + i;
                assertThat(agentA.runs(text) + agentB.runs(text)).as(text).isEqualTo(1);
                ranOnA += agentA.runs(text);
                ranOnB += agentB.runs(text);
            }
            for (String text : fills) {
                assertThat(agentA.runs(text) + agentB.runs(text)).as(text).isEqualTo(1);
            }
            assertThat(ranOnA).as("replica a claimed from the queue").isPositive();
            assertThat(ranOnB).as("replica b claimed from the queue").isPositive();
        }
    }

    @Test
    void a_task_started_as_often_as_max_attempts_allows_fails_interrupted() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queueattempts");
        HeldAgent agent = new HeldAgent();
        try (Replica b = replica(schema, "node-b", agent, "--casebook.tasks.max-attempts=2")) {
            String spent = UUID.randomUUID().toString();
            String again = UUID.randomUUID().toString();
            TaskRows.running(jdbc(b), json(b), spec(spent, "crashed twice"), "node-a", 2, Instant.now().minusSeconds(1));
            TaskRows.running(jdbc(b), json(b), spec(again, "crashed once"), "node-a", 1, Instant.now().minusSeconds(1));

            JsonNode failed = b.api().awaitTask(spent);
            JsonNode answered = b.api().awaitTask(again);

            assertThat(failed.get("status").asString()).isEqualTo("failed");
            assertThat(failed.get("reason").asString()).isEqualTo("interrupted");
            assertThat(failed.get("detail").asString()).contains("started 2 time(s)", "'node-a'");
            assertThat(types(b, spent)).containsExactly("stopped");
            assertThat(agent.runs("crashed twice")).isZero();
            assertThat(answered.get("status").asString()).isEqualTo("answered");
            assertThat(answered.get("attempt").asInt()).isEqualTo(2);
        }
    }

    @Test
    void a_replica_that_lost_its_claim_stops_the_task_and_writes_nothing_more() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuelost");
        HeldAgent agent = new HeldAgent().hold();
        try (Replica a = replica(schema, "node-a", agent)) {
            String id = a.submit("taken over");
            agent.awaitWaiting("taken over");
            List<String> before = types(a, id);
            // as if node-a had stalled past its lease and node-b had taken the task back and claimed it
            jdbc(a).update("UPDATE tasks SET runner = 'node-b', attempt = attempt + 1 WHERE id = ?", id);

            await(() -> agent.interrupted.contains("taken over"));
            TaskRunner runner = a.bean(TaskRunner.class);
            await(() -> !runner.runningIds().contains(id)); // the run ended: whatever it would still write is written

            JsonNode task = a.api().get("/api/tasks/" + id).json();
            assertThat(task.get("status").asString()).isEqualTo("running");
            assertThat(task.get("attempt").asInt()).isEqualTo(2);
            assertThat(runner(a, id)).isEqualTo("node-b");
            assertThat(types(a, id)).isEqualTo(before); // not even the stopped step of the interrupted run
        }
    }

    @Test
    void a_replica_that_is_stopped_gives_its_running_task_back_to_another() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("queuestop");
        HeldAgent agentA = new HeldAgent().hold();
        HeldAgent agentB = new HeldAgent();
        // node-a alone takes the task; node-b starts once it runs there, then node-a stops
        try (Replica a = replica(schema, "node-a", agentA)) {
            String id = a.submit("moves when its server stops");
            agentA.awaitWaiting("moves when its server stops");
            assertThat(runner(a, id)).isEqualTo("node-a");
            try (Replica b = replica(schema, "node-b", agentB)) {
                a.close();
                JsonNode task = b.api().awaitTask(id);
                assertThat(task.get("status").asString()).isEqualTo("answered");
                assertThat(task.get("attempt").asInt()).isEqualTo(2);
                assertThat(agentA.interrupted).contains("moves when its server stops");
                assertThat(agentB.runs("moves when its server stops")).isEqualTo(1);
                assertThat(step(b, id, "restarted").get("reason").asString()).isEqualTo("server_stopped");
                assertThat(runner(b, id)).isEqualTo("node-b");
            }
        }
    }

    static TaskSpec spec(String id, String text) {
        return TaskSpec.of(id, "queue", text).withMemoryMode(MemoryMode.OFF);
    }

    static JdbcTemplate jdbc(Replica replica) {
        return replica.bean(JdbcTemplate.class);
    }

    static ObjectMapper json(Replica replica) {
        return replica.bean(ObjectMapper.class);
    }

    static String runner(Replica replica, String id) {
        return jdbc(replica).queryForObject("SELECT runner FROM tasks WHERE id = ?", String.class, id);
    }

    static List<String> types(Replica replica, String id) {
        List<String> types = new ArrayList<>();
        replica.api().get("/api/tasks/" + id + "/steps").json().forEach(s -> types.add(s.get("type").asString()));
        return types;
    }

    static JsonNode step(Replica replica, String id, String type) {
        for (JsonNode s : replica.api().get("/api/tasks/" + id + "/steps").json()) {
            if (s.get("type").asString().equals(type)) {
                return s;
            }
        }
        throw new AssertionError("task " + id + " has no step " + type);
    }

    /** Waits until both replicas are full: three tasks whose text starts with {@code prefix} wait on each. */
    static void awaitWaitingOnBoth(HeldAgent agentA, HeldAgent agentB, String prefix) throws InterruptedException {
        await(() -> agentA.waiting.stream().filter(t -> t.startsWith(prefix)).count()
                + agentB.waiting.stream().filter(t -> t.startsWith(prefix)).count() == 6);
    }

    static void await(BooleanSupplier condition) {
        eventually("the condition", condition::getAsBoolean, met -> met);
    }
}
