package dev.casebook.server.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A batch run on the embedded database (H2, as the server runs it by default): the run completes only after every
 * item's thread has returned, so writes an item makes after it is recorded as done (a reward to case memory) are
 * visible once the run reads as completed.
 */
class BatchExecutorTest {

    @Test
    void a_run_completes_only_after_the_writes_that_follow_its_last_record() {
        DriverManagerDataSource data = new DriverManagerDataSource("jdbc:h2:mem:batch-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1");
        JdbcTemplate jdbc = new JdbcTemplate(data);
        jdbc.execute("""
                CREATE TABLE runs (id VARCHAR(40) PRIMARY KEY, status VARCHAR(20), error VARCHAR(200),
                    created_at TIMESTAMP, started_at TIMESTAMP, resumed_at TIMESTAMP, worked_at TIMESTAMP,
                    finished_at TIMESTAMP)""");
        jdbc.execute("""
                CREATE TABLE items (run_id VARCHAR(40), seq INT, epoch INT, status VARCHAR(20), claimed_by VARCHAR(40),
                    claimed_at TIMESTAMP, PRIMARY KEY (run_id, seq))""");
        jdbc.update("INSERT INTO runs (id, status, created_at) VALUES ('r', 'queued', CURRENT_TIMESTAMP)");
        for (int seq = 0; seq < 3; seq++) {
            jdbc.update("INSERT INTO items (run_id, seq, epoch, status) VALUES ('r', ?, 0, 'pending')", seq);
        }
        BatchTables tables = new BatchTables(jdbc, data, "runs", "items");
        List<String> seenAfterRecord = new CopyOnWriteArrayList<>();

        BatchExecutor<Integer> executor = new BatchExecutor<>("test run", "r", tables, "here", Clock.systemUTC()) {
            @Override
            protected int prepare() {
                return 4; // a slot stays free: the run's loop goes on claiming while the items run
            }

            @Override
            protected List<Integer> claim(int limit) {
                return tables.claim(runId, instance, clock.instant(), limit);
            }

            @Override
            protected void execute(Integer seq) {
                record(() -> jdbc.update("UPDATE items SET status = 'done' WHERE run_id = 'r' AND seq = ?", seq));
                try {
                    Thread.sleep(300); // the main loop polls every 50 ms: it would see no unfinished item meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                seenAfterRecord.add(tables.status("r").wire());
            }
        };
        executor.run();

        assertThat(seenAfterRecord).containsExactly("running", "running", "running");
        assertThat(tables.status("r")).isEqualTo(RunStatus.COMPLETED);
    }
}
