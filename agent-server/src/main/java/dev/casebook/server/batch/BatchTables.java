package dev.casebook.server.batch;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The lifecycle of one kind of batch run in two tables: runs ({@code id, status, error, created_at, started_at,
 * resumed_at, worked_at, finished_at}) and their items ({@code run_id, seq, epoch, status, claimed_by, claimed_at}, with an
 * index on {@code (run_id, status, epoch, seq)}). Items are claimed up to a limit at once, from the run's earliest
 * unfinished epoch: on PostgreSQL with {@code FOR UPDATE SKIP LOCKED}, so replicas sharing a run never take the same
 * item; elsewhere (the embedded H2, one process) by conditional updates under a lock. Evaluation runs and dream jobs
 * keep their own columns beside these and finish their items themselves, only where {@code claimed_by} is theirs.
 */
public final class BatchTables {
    private static final Pattern NAME = Pattern.compile("[a-z_]+");

    private final JdbcTemplate jdbc;
    private final boolean postgres;
    private final String runs;
    private final String items;
    /** Serialises claims on the embedded database, where several runs' executors share the conditional updates. */
    private final ReentrantLock claiming = new ReentrantLock();

    public BatchTables(JdbcTemplate jdbc, DataSource dataSource, String runTable, String itemTable) {
        if (!NAME.matcher(runTable).matches() || !NAME.matcher(itemTable).matches()) {
            throw new IllegalArgumentException("table names must be lowercase words, were " + runTable + ", "
                    + itemTable);
        }
        this.jdbc = jdbc;
        this.runs = runTable;
        this.items = itemTable;
        try (Connection connection = dataSource.getConnection()) {
            this.postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                    .contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot tell which database holds " + runTable + ": " + e.getMessage(), e);
        }
    }

    public boolean postgres() {
        return postgres;
    }

    public List<String> unfinishedRunIds() {
        return jdbc.queryForList("SELECT id FROM " + runs + " WHERE status IN ('queued', 'running') ORDER BY created_at",
                String.class);
    }

    /** Marks the run running (again); false when it is at rest in a state that may not run. */
    public boolean start(String id, Instant now) {
        return jdbc.update("UPDATE " + runs + """
                 SET status = 'running', started_at = COALESCE(started_at, ?), resumed_at = ?, worked_at = ?,
                     finished_at = NULL
                WHERE id = ? AND status IN ('queued', 'running')""", Timestamp.from(now), Timestamp.from(now),
                Timestamp.from(now), id) == 1;
    }

    /** A cancelled or failed run queued again; false when it is in another state. */
    public boolean resume(String id) {
        return jdbc.update("UPDATE " + runs + " SET status = 'queued', error = NULL WHERE id = ? AND status IN "
                + "('cancelled', 'failed')", id) == 1;
    }

    /** Puts a queued or running run at rest; false when it already was. */
    public boolean end(String id, RunStatus status, String error, Instant now) {
        return jdbc.update("UPDATE " + runs + " SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status IN "
                + "('queued', 'running')", status.wire(), error, Timestamp.from(now), id) == 1;
    }

    public RunStatus status(String id) {
        return RunStatus.of(jdbc.queryForObject("SELECT status FROM " + runs + " WHERE id = ?", String.class, id));
    }

    /**
     * The run's earliest unfinished epoch, the smaller of its first pending and its first running item's, each read
     * from one end of the {@code (run_id, status, epoch, seq)} index. A claim happens about once per finished item, so
     * it must not scan the run, as {@code MIN(epoch) … WHERE status IN ('pending', 'running')} does on H2: that took
     * most of the CPU of a 3,197-item evaluation run (docs/evaluation.md, Benchmark).
     */
    private String nextEpoch() {
        return """
                (SELECT MIN(epoch) FROM (
                    (SELECT epoch FROM %1$s WHERE run_id = ? AND status = 'pending' ORDER BY run_id, status, epoch, seq LIMIT 1)
                    UNION ALL
                    (SELECT epoch FROM %1$s WHERE run_id = ? AND status = 'running' ORDER BY run_id, status, epoch, seq LIMIT 1)
                ) AS ends)""".formatted(items);
    }

    /**
     * Claims up to {@code limit} pending items of the run's earliest unfinished epoch for this instance, in one
     * statement on PostgreSQL ({@code FOR UPDATE SKIP LOCKED}, so replicas never claim the same item), in seq order,
     * and returns their seqs. The {@code ORDER BY} names the index's columns so that both databases read the first
     * rows of the index instead of sorting every pending item.
     */
    public List<Integer> claim(String runId, String instance, Instant now, int limit) {
        if (postgres) {
            // a CTE is evaluated once: a sub-select in the WHERE clause may be re-evaluated and claim more than limit
            return jdbc.queryForList("""
                    WITH picked AS (
                        SELECT seq FROM %1$s WHERE run_id = ? AND status = 'pending' AND epoch = %2$s
                        ORDER BY run_id, status, epoch, seq LIMIT ? FOR UPDATE SKIP LOCKED)
                    UPDATE %1$s e SET status = 'running', claimed_by = ?, claimed_at = ?
                    FROM picked WHERE e.run_id = ? AND e.seq = picked.seq
                    RETURNING e.seq""".formatted(items, nextEpoch()), Integer.class, runId, runId, runId, limit,
                    instance, Timestamp.from(now), runId).stream().sorted().toList();
        }
        claiming.lock(); // not synchronized: on JDK 21 that pins the virtual thread while it waits for a connection
        try {
            List<Integer> candidates = jdbc.queryForList("""
                    SELECT seq FROM %1$s WHERE run_id = ? AND status = 'pending' AND epoch = %2$s
                    ORDER BY run_id, status, epoch, seq LIMIT ?""".formatted(items, nextEpoch()), Integer.class, runId,
                    runId, runId, limit);
            List<Integer> seqs = new ArrayList<>();
            for (Integer seq : candidates) {
                if (jdbc.update("UPDATE " + items + """
                         SET status = 'running', claimed_by = ?, claimed_at = ?
                        WHERE run_id = ? AND seq = ? AND status = 'pending'""", instance, Timestamp.from(now), runId,
                        seq) == 1) {
                    seqs.add(seq);
                }
            }
            return seqs;
        } finally {
            claiming.unlock();
        }
    }

    /** True while the run has an item pending or running (on any instance). */
    public boolean hasUnfinishedItems(String runId) {
        return !jdbc.queryForList("SELECT seq FROM " + items + " WHERE run_id = ? AND status IN ('pending', 'running') "
                + "LIMIT 1", Integer.class, runId).isEmpty();
    }

    /** Gives back this instance's unfinished claims of a run (cancel, shutdown): they run again later. */
    public int release(String runId, String instance) {
        return jdbc.update("UPDATE " + items + " SET status = 'pending', claimed_by = NULL, claimed_at = NULL "
                + "WHERE run_id = ? AND status = 'running' AND claimed_by = ?", runId, instance);
    }

    /**
     * Renews this instance's lease on a run it works: the run's {@code worked_at}, and the {@code claimed_at} of the
     * items it works ({@code working}) of those it holds, are set to {@code now}. Returns the seqs of the items it
     * still holds. A claim of this instance that no thread here works is not renewed: it runs out like a crashed
     * instance's and is given back ({@link #releaseExpired}).
     */
    public Set<Integer> renew(String runId, String instance, Set<Integer> working, Instant now) {
        jdbc.update("UPDATE " + runs + " SET worked_at = ? WHERE id = ? AND status IN ('queued', 'running')",
                Timestamp.from(now), runId);
        if (!working.isEmpty()) {
            List<Object> args = new ArrayList<>(List.of(Timestamp.from(now), runId, instance));
            args.addAll(working);
            jdbc.update("UPDATE " + items + " SET claimed_at = ? WHERE run_id = ? AND status = 'running' AND "
                    + "claimed_by = ? AND seq IN (" + String.join(",", Collections.nCopies(working.size(), "?")) + ")",
                    args.toArray());
        }
        return new HashSet<>(jdbc.queryForList("SELECT seq FROM " + items + " WHERE run_id = ? AND status = 'running' "
                + "AND claimed_by = ?", Integer.class, runId, instance));
    }

    /**
     * Gives back the claims on unfinished runs that were not renewed since {@code before}: their instance crashed or
     * lost the database, or no thread works them any more. Those items run again. Returns how many.
     */
    public int releaseExpired(Instant before) {
        return jdbc.update("UPDATE " + items + " SET status = 'pending', claimed_by = NULL, claimed_at = NULL "
                + "WHERE run_id IN (SELECT id FROM " + runs + " WHERE status IN ('queued', 'running')) "
                + "AND status = 'running' AND (claimed_at IS NULL OR claimed_at < ?)", Timestamp.from(before));
    }

    /**
     * Ends an item this instance holds as failed: {@code done} with outcome {@code internal_error} and the
     * {@code detail} of what went wrong, its claim given up. Every kind of item table has these columns. False (and
     * nothing written) when the claim no longer stands.
     */
    public boolean fail(String runId, int seq, String instance, String detail, long millis, Instant now) {
        return jdbc.update("UPDATE " + items + " SET status = 'done', outcome = 'internal_error', detail = ?, "
                + "millis = ?, finished_at = ?, claimed_by = NULL "
                + "WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?", detail, millis,
                Timestamp.from(now), runId, seq, instance) == 1;
    }

    /** Unfinished runs that no instance renewed since {@code before} (nor started, nor created since then). */
    public List<String> unworkedRunIds(Instant before) {
        return jdbc.queryForList("SELECT id FROM " + runs + " WHERE status IN ('queued', 'running') "
                + "AND COALESCE(worked_at, resumed_at, created_at) < ? ORDER BY created_at", String.class,
                Timestamp.from(before));
    }

    /** At start-up: claims this instance held when it stopped are given back. */
    public int releaseAll(String instance) {
        return jdbc.update("UPDATE " + items + " SET status = 'pending', claimed_by = NULL, claimed_at = NULL "
                + "WHERE status = 'running' AND claimed_by = ?", instance);
    }
}
