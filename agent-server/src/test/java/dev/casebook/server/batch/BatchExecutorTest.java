package dev.casebook.server.batch;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A batch run on the embedded database (H2, as the server runs it by default): the run completes only after every
 * item's thread has returned, so writes an item makes after it is recorded as done (a reward to case memory) are
 * visible once the run reads as completed; an item whose claim another instance took back is interrupted and records
 * nothing, while one that recorded is never taken for lost; an item that fails, its record included, ends
 * {@code internal_error}; a claim that nothing works here is not renewed and is given back once it ran out.
 */
class BatchExecutorTest {
    final DriverManagerDataSource data = new DriverManagerDataSource("jdbc:h2:mem:batch-" + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1");
    final JdbcTemplate jdbc = new JdbcTemplate(data);

    /** Run {@code r} with {@code items} pending items, in tables with the columns the migrations give them. */
    BatchTables tables(int items) {
        jdbc.execute("""
                CREATE TABLE runs (id VARCHAR(40) PRIMARY KEY, status VARCHAR(20), error VARCHAR(200),
                    created_at TIMESTAMP, started_at TIMESTAMP, resumed_at TIMESTAMP, worked_at TIMESTAMP,
                    finished_at TIMESTAMP)""");
        jdbc.execute("""
                CREATE TABLE items (run_id VARCHAR(40), seq INT, epoch INT, status VARCHAR(20), claimed_by VARCHAR(40),
                    claimed_at TIMESTAMP, outcome VARCHAR(100), detail VARCHAR(2000), millis BIGINT,
                    finished_at TIMESTAMP, PRIMARY KEY (run_id, seq))""");
        jdbc.update("INSERT INTO runs (id, status, created_at) VALUES ('r', 'queued', CURRENT_TIMESTAMP)");
        for (int seq = 0; seq < items; seq++) {
            jdbc.update("INSERT INTO items (run_id, seq, epoch, status) VALUES ('r', ?, 0, 'pending')", seq);
        }
        return new BatchTables(jdbc, data, "runs", "items");
    }

    /** An item of run {@code r}. */
    record Seq(int seq) implements BatchExecutor.Item {
    }

    /** Run {@code r} on instance {@code here} with 4 slots, whose items do {@code work}. */
    final class TestRun extends BatchExecutor<Seq> {
        private final BatchTables tables;
        private final BiConsumer<TestRun, Integer> work;

        TestRun(BatchTables tables, BiConsumer<TestRun, Integer> work) {
            super("test run", "r", tables, "here", Clock.systemUTC());
            this.tables = tables;
            this.work = work;
        }

        @Override
        protected int prepare() {
            return 4; // a slot stays free: the run's loop goes on claiming while the items run
        }

        @Override
        protected List<Seq> claim(int limit) {
            return tables.claim(runId, instance, clock.instant(), limit).stream().map(Seq::new).toList();
        }

        @Override
        protected void execute(Seq item) {
            work.accept(this, item.seq());
        }

        /** Records the item as done through {@link #record}, as the runs do (its claim given up); false when skipped. */
        boolean recordDone(int seq) {
            return record(new Seq(seq), () -> jdbc.update("UPDATE items SET status = 'done', claimed_by = NULL "
                    + "WHERE run_id = 'r' AND seq = ? AND claimed_by = 'here'", seq));
        }
    }

    @Test
    void a_run_completes_only_after_the_writes_that_follow_its_last_record() throws Exception {
        BatchTables tables = tables(3);
        List<String> seenAfterRecord = new CopyOnWriteArrayList<>();
        CountDownLatch allRecorded = new CountDownLatch(3);
        AtomicReference<Thread> loop = new AtomicReference<>();

        Thread thread = Thread.ofVirtual().unstarted(new TestRun(tables, (run, seq) -> {
            run.recordDone(seq);
            allRecorded.countDown();
            try {
                assertThat(allRecorded.await(120, TimeUnit.SECONDS)).isTrue();
                // every item recorded and none writes any more: the run's loop, which sees no unfinished item now,
                // either parks where it waits for the item threads or (wrongly) ends the run
                eventually("the run's loop waits for its items or ends the run",
                        () -> loop.get().getState() == Thread.State.WAITING || tables.status("r") != RunStatus.RUNNING,
                        decided -> decided);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seenAfterRecord.add(tables.status("r").wire());
        }));
        loop.set(thread);
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(300));

        assertThat(thread.isAlive()).isFalse();
        assertThat(seenAfterRecord).containsExactly("running", "running", "running");
        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void an_item_whose_claim_another_instance_took_back_is_interrupted_and_records_nothing() throws Exception {
        BatchTables tables = tables(2);
        CountDownLatch started = new CountDownLatch(1);
        Map<Integer, Boolean> recorded = new ConcurrentHashMap<>();
        TestRun run = new TestRun(tables, (self, seq) -> {
            if (seq == 0) {
                started.countDown();
                try {
                    new CountDownLatch(1).await(); // a long LLM call: it ends only when interrupted
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            recorded.put(seq, self.recordDone(seq));
        });
        Thread thread = Thread.ofVirtual().start(run);
        assertThat(started.await(120, TimeUnit.SECONDS)).isTrue();

        long renewing = System.nanoTime();
        // this instance did not renew in time: another one took item 0 back and runs it now
        jdbc.update("UPDATE items SET claimed_by = 'other' WHERE run_id = 'r' AND seq = 0");
        Set<Integer> held = tables.renew("r", "here", run.working(), Instant.now());
        assertThat(held).doesNotContain(0);
        assertThat(run.interruptLost(held, renewing)).containsExactly(0);

        eventually("item 0 returned", () -> recorded.containsKey(0), returned -> returned);
        assertThat(recorded).containsEntry(0, false).containsEntry(1, true);
        assertThat(jdbc.queryForMap("SELECT status, claimed_by FROM items WHERE run_id = 'r' AND seq = 0"))
                .containsEntry("STATUS", "running").containsEntry("CLAIMED_BY", "other");

        jdbc.update("UPDATE items SET status = 'done', claimed_by = NULL WHERE run_id = 'r' AND seq = 0"); // the other's
        thread.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void an_item_claimed_after_the_renewal_began_is_not_taken_for_lost() throws Exception {
        BatchTables tables = tables(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<Integer, Boolean> recorded = new ConcurrentHashMap<>();
        long renewing = System.nanoTime(); // the renewal began before the claim, so its answer cannot list it
        TestRun run = new TestRun(tables, (self, seq) -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            recorded.put(seq, self.recordDone(seq));
        });
        Thread thread = Thread.ofVirtual().start(run);
        assertThat(started.await(120, TimeUnit.SECONDS)).isTrue();

        assertThat(run.interruptLost(Set.of(), renewing)).isEmpty();
        release.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(recorded).containsEntry(0, true);
        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void an_item_that_recorded_is_not_taken_for_lost_while_its_thread_finishes() throws Exception {
        BatchTables tables = tables(1);
        CountDownLatch recordedDone = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<Integer, Boolean> interrupted = new ConcurrentHashMap<>();
        TestRun run = new TestRun(tables, (self, seq) -> {
            self.recordDone(seq); // done, its claim given up ...
            recordedDone.countDown();
            try {
                release.await(); // ... while its thread still writes (a reward to case memory)
                interrupted.put(seq, false);
            } catch (InterruptedException e) {
                interrupted.put(seq, true);
            }
        });
        Thread thread = Thread.ofVirtual().start(run);
        assertThat(recordedDone.await(120, TimeUnit.SECONDS)).isTrue();

        long renewing = System.nanoTime();
        Set<Integer> held = tables.renew("r", "here", run.working(), Instant.now());
        assertThat(held).as("recorded: no longer claimed").isEmpty();
        assertThat(run.interruptLost(held, renewing)).as("not taken back by anyone: it recorded").isEmpty();

        release.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(interrupted).containsEntry(0, false);
        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void an_item_whose_record_fails_ends_internal_error_and_gives_up_its_claim() throws Exception {
        BatchTables tables = tables(2);
        TestRun run = new TestRun(tables, (self, seq) -> {
            if (seq == 0) { // its record fails in the database
                self.record(new Seq(seq), () -> jdbc.update("UPDATE items SET status = 'done', epoch = NULL "
                        + "WHERE run_id = 'r' AND seq = ?", seq));
            } else {
                self.recordDone(seq);
            }
        });
        jdbc.execute("ALTER TABLE items ALTER COLUMN epoch SET NOT NULL");
        Thread thread = Thread.ofVirtual().start(run);
        thread.join(TimeUnit.SECONDS.toMillis(120));

        assertThat(thread.isAlive()).isFalse();
        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
        Map<String, Object> failed = jdbc.queryForMap("SELECT * FROM items WHERE run_id = 'r' AND seq = 0");
        assertThat(failed).containsEntry("STATUS", "done").containsEntry("OUTCOME", "internal_error")
                .containsEntry("CLAIMED_BY", null);
        assertThat((String) failed.get("DETAIL")).contains("EPOCH");
        assertThat(jdbc.queryForObject("SELECT status FROM items WHERE run_id = 'r' AND seq = 1", String.class))
                .isEqualTo("done");
    }

    @Test
    void a_claim_nothing_works_here_is_not_renewed_and_runs_again_once_it_ran_out() throws Exception {
        BatchTables tables = tables(2);
        // item 0 fails, and so does the record of its failure (the table refuses it): its thread ends, its claim stays
        jdbc.execute("ALTER TABLE items ADD CONSTRAINT no_failures CHECK (outcome IS NULL OR outcome <> 'internal_error')");
        Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TestRun run = new TestRun(tables, (self, seq) -> {
            int attempt = attempts.merge(seq, 1, Integer::sum);
            if (seq == 0 && attempt == 1) {
                throw new IllegalStateException("the first attempt of item 0 fails");
            }
            if (seq == 1) {
                secondStarted.countDown();
                try {
                    release.await(); // still working while the lease sweep runs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            self.recordDone(seq);
        });
        Thread thread = Thread.ofVirtual().start(run);
        assertThat(secondStarted.await(120, TimeUnit.SECONDS)).isTrue();
        assertThat(eventually("item 0's thread ended", run::working, working -> !working.contains(0)))
                .containsExactly(1);
        assertThat(jdbc.queryForObject("SELECT claimed_by FROM items WHERE run_id = 'r' AND seq = 0", String.class))
                .as("left claimed").isEqualTo("here");

        Instant renewal = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);
        assertThat(tables.renew("r", "here", run.working(), renewal)).containsExactlyInAnyOrder(0, 1);
        // a lease later, as of that renewal: only the claim nothing worked had run out
        assertThat(tables.releaseExpired(renewal)).isEqualTo(1);
        release.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(120));

        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
        assertThat(attempts).containsEntry(0, 2).containsEntry(1, 1);
        assertThat(jdbc.queryForList("SELECT status FROM items WHERE run_id = 'r'", String.class))
                .containsExactly("done", "done");
    }
}
