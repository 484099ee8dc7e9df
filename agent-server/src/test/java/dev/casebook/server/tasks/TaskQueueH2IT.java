package dev.casebook.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The task queue on the embedded default (one instance on an H2 file): a task waits queued while the instance is
 * full and runs when a slot frees; the instance, started again, takes back what it left running (killed) or gave back
 * (stopped), and runs it again.
 */
class TaskQueueH2IT {
    @TempDir
    Path dir;

    private Replica server(String instance, HeldAgent agent, String... extra) {
        return Replica.start("jdbc:h2:file:" + dir.resolve("casebook"), "sa", "", null, instance, agent, extra);
    }

    @Test
    void a_task_waits_queued_while_the_instance_is_full_and_runs_when_a_slot_frees() throws Exception {
        HeldAgent agent = new HeldAgent().hold();
        try (Replica server = server("embedded", agent, "--casebook.tasks.max-running=1")) {
            String first = server.submit("first of two");
            agent.awaitWaiting("first of two");
            String second = server.submit("second of two");
            String third = server.submit("third, cancelled while queued");
            TaskQueue queue = server.bean(TaskQueue.class);
            queue.tick(); // poll rounds: no slot, so nothing is claimed
            queue.tick();
            assertThat(server.api().get("/api/tasks/" + second).json().get("status").asString()).isEqualTo("queued");
            assertThat(server.api().post("/api/tasks/" + third + "/cancel", "").json().get("status").asString())
                    .isEqualTo("cancelled");

            agent.release(1);
            assertThat(server.api().awaitTask(first).get("status").asString()).isEqualTo("answered");
            agent.awaitWaiting("second of two");
            agent.open();
            JsonNode done = server.api().awaitTask(second);
            assertThat(done.get("answer").asString()).isEqualTo("done: second of two");
            assertThat(done.get("attempt").asInt()).isEqualTo(1);
            assertThat(agent.runs("third, cancelled while queued")).isZero();
        }
    }

    @Test
    void the_instance_started_again_runs_what_it_left_running_or_gave_back() throws Exception {
        HeldAgent before = new HeldAgent().hold();
        String killed = UUID.randomUUID().toString();
        String stopped;
        try (Replica server = server("embedded", before, "--casebook.tasks.lease=600s")) {
            // what a killed instance leaves: its claim, the lease still running (all through this test)
            TaskRows.running(TaskQueueIT.jdbc(server), TaskQueueIT.json(server),
                    TaskQueueIT.spec(killed, "left by a kill"), "embedded", 1, Instant.now().plusSeconds(300));
            stopped = server.submit("given back by a stop");
            before.awaitWaiting("given back by a stop");
        }
        assertThat(before.interrupted).contains("given back by a stop");

        HeldAgent after = new HeldAgent();
        try (Replica server = server("embedded", after, "--casebook.tasks.lease=600s")) {
            JsonNode rerun = server.api().awaitTask(killed);
            assertThat(rerun.get("status").asString()).isEqualTo("answered");
            assertThat(rerun.get("attempt").asInt()).isEqualTo(2);
            assertThat(TaskQueueIT.step(server, killed, "restarted").get("reason").asString())
                    .isEqualTo("server_restarted");
            JsonNode resumed = server.api().awaitTask(stopped);
            assertThat(resumed.get("status").asString()).isEqualTo("answered");
            assertThat(resumed.get("attempt").asInt()).isEqualTo(2);
            assertThat(TaskQueueIT.step(server, stopped, "restarted").get("reason").asString())
                    .isEqualTo("server_stopped");
            assertThat(after.runs("left by a kill") + after.runs("given back by a stop")).isEqualTo(2);
        }
    }
}
