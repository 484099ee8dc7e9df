package dev.casebook.server.tasks;

import dev.casebook.server.agent.Step;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * The task queue in the relational database. A task is claimed by one instance at a time: by the instance that
 * received it when it had a free slot ({@link TaskStore#createClaimed}), else, queued, by any instance with room,
 * the oldest first: on PostgreSQL in one statement with {@code FOR UPDATE SKIP LOCKED}, so replicas never claim the
 * same task; on the embedded H2 (one process) under a lock. A claim names its runner, counts an attempt and holds a
 * lease that the runner renews.
 *
 * <p>A claim that ended without an outcome (its lease ran out, its instance restarted under the same id, or stopped)
 * is taken back under the task row's lock: the task is queued again with a {@code restarted} step appended to its
 * trace, unless a cancel was requested for it (it ends {@code cancelled}) or it was started {@code maxAttempts}
 * times (it ends {@code failed}, reason {@code interrupted}); both end with a {@code stopped} step.
 */
@Component
class TaskClaims {
    /** Why a claim ended without an outcome: the {@code reason} of the {@code restarted} step. */
    enum Abandoned {
        LEASE_EXPIRED("lease_expired", "its server stopped renewing the claim (it crashed or lost the database)"),
        SERVER_RESTARTED("server_restarted", "its server restarted while it was running"),
        SERVER_STOPPED("server_stopped", "its server was stopped while it was running");

        final String wire;
        final String detail;

        Abandoned(String wire, String detail) {
            this.wire = wire;
            this.detail = detail;
        }
    }

    private static final int TAKE_BACK_BATCH = 100;
    private static final RowMapper<String[]> ID_AND_ATTEMPT = (rs, n) -> new String[] {rs.getString(1),
            Integer.toString(rs.getInt(2))};

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();
    private final boolean postgres;
    /** Serialises claims of queued tasks on the embedded database (one process, no SKIP LOCKED needed). */
    private final ReentrantLock claiming = new ReentrantLock();

    TaskClaims(JdbcTemplate jdbc, ObjectMapper json, DataSource dataSource) throws SQLException {
        this.jdbc = jdbc;
        this.json = json;
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        try (Connection connection = dataSource.getConnection()) {
            this.postgres = connection.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        }
    }

    /** Claims up to {@code limit} of the oldest queued tasks for {@code instance}. */
    List<Claim> claimQueued(String instance, int limit, Duration lease) {
        if (limit < 1) {
            return List.of();
        }
        Instant now = clock.instant();
        if (postgres) {
            return claimed(instance, """
                    WITH picked AS (
                        SELECT id FROM tasks WHERE status = 'QUEUED' ORDER BY status, created_at LIMIT ?
                        FOR UPDATE SKIP LOCKED)
                    UPDATE tasks t SET status = 'RUNNING', runner = ?, attempt = t.attempt + 1, lease_until = ?,
                        started_at = COALESCE(t.started_at, ?)
                    FROM picked WHERE t.id = picked.id
                    RETURNING t.id, t.attempt""", limit, instance, ts(now.plus(lease)), ts(now));
        }
        claiming.lock(); // not synchronized: that would pin a virtual thread waiting for a connection on JDK 21
        try {
            return claimed(instance, """
                    SELECT id, attempt FROM FINAL TABLE (
                        UPDATE tasks SET status = 'RUNNING', runner = ?, attempt = attempt + 1, lease_until = ?,
                            started_at = COALESCE(started_at, ?)
                        WHERE status = 'QUEUED' AND id IN (
                            SELECT id FROM tasks WHERE status = 'QUEUED' ORDER BY status, created_at LIMIT ?))""",
                    instance, ts(now.plus(lease)), ts(now), limit);
        } finally {
            claiming.unlock();
        }
    }

    private List<Claim> claimed(String instance, String sql, Object... args) {
        return jdbc.query(sql, (rs, n) -> new Claim(rs.getString(1), instance, rs.getInt(2)), args);
    }

    /** Renews the leases of these claims; returns the ids of those that no longer stand (taken back meanwhile). */
    Set<String> renew(Collection<Claim> claims, Duration lease) {
        if (claims.isEmpty()) {
            return Set.of();
        }
        List<Claim> list = List.copyOf(claims);
        OffsetDateTime until = ts(clock.instant().plus(lease));
        List<Object[]> rows = list.stream()
                .map(c -> new Object[] {until, c.taskId(), c.runner(), c.attempt()}).toList();
        int[] counts = jdbc.batchUpdate("""
                UPDATE tasks SET lease_until = ? WHERE id = ? AND runner = ? AND attempt = ? AND status = 'RUNNING'""",
                rows);
        Set<String> lost = new HashSet<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                lost.add(list.get(i).taskId());
            }
        }
        return lost;
    }

    /** Asks the instance running the task to cancel it; false when the task is not running. */
    boolean requestCancel(String id) {
        return jdbc.update("""
                UPDATE tasks SET cancel_requested_at = COALESCE(cancel_requested_at, ?)
                WHERE id = ? AND status = 'RUNNING'""", ts(clock.instant()), id) == 1;
    }

    /** Tasks running on {@code instance} for which a cancel was requested. */
    List<String> cancelRequested(String instance) {
        return jdbc.queryForList("""
                SELECT id FROM tasks WHERE status = 'RUNNING' AND runner = ? AND cancel_requested_at IS NOT NULL""",
                String.class, instance);
    }

    /** Takes back the claims of other instances whose lease ran out (their server crashed); how many. */
    Map<TaskStatus, Integer> takeBackExpired(Set<String> runningHere, int maxAttempts) {
        OffsetDateTime now = ts(clock.instant());
        List<String[]> expired = jdbc.query("""
                SELECT id, attempt FROM tasks WHERE status = 'RUNNING' AND (lease_until IS NULL OR lease_until < ?)
                ORDER BY status, created_at LIMIT ?""", ID_AND_ATTEMPT, now, TAKE_BACK_BATCH);
        return takeBack(expired, runningHere, Abandoned.LEASE_EXPIRED, maxAttempts,
                "(lease_until IS NULL OR lease_until < ?)", now);
    }

    /**
     * At start-up: takes back what this instance left running when it last stopped (a crash or a kill), the claims
     * of {@code instance} whose lease ends before {@code leasesOfThisStart} (claims made since this start end later).
     */
    Map<TaskStatus, Integer> takeBackOwn(String instance, Instant leasesOfThisStart, Set<String> runningHere,
            int maxAttempts) {
        OffsetDateTime before = ts(leasesOfThisStart);
        List<String[]> own = jdbc.query("""
                SELECT id, attempt FROM tasks WHERE status = 'RUNNING' AND runner = ?
                    AND (lease_until IS NULL OR lease_until < ?)""", ID_AND_ATTEMPT, instance, before);
        return takeBack(own, runningHere, Abandoned.SERVER_RESTARTED, maxAttempts,
                "runner = ? AND (lease_until IS NULL OR lease_until < ?)", instance, before);
    }

    /** Gives back a claim this instance cannot finish (it is stopping); false when the claim no longer stood. */
    boolean release(Claim claim, int maxAttempts) {
        return takeBack(claim.taskId(), claim.attempt(), Abandoned.SERVER_STOPPED, maxAttempts, "runner = ?",
                new Object[] {claim.runner()}).isPresent();
    }

    private Map<TaskStatus, Integer> takeBack(List<String[]> candidates, Set<String> runningHere, Abandoned why,
            int maxAttempts, String condition, Object... conditionArgs) {
        Map<TaskStatus, Integer> counts = new EnumMap<>(TaskStatus.class);
        for (String[] candidate : candidates) {
            if (!runningHere.contains(candidate[0])) {
                takeBack(candidate[0], Integer.parseInt(candidate[1]), why, maxAttempts, condition, conditionArgs)
                        .ifPresent(status -> counts.merge(status, 1, Integer::sum));
            }
        }
        return counts;
    }

    /**
     * Takes back one claim (task {@code id} at {@code attempt}, still running and matching {@code condition}) under
     * the row's lock: a runner that lost its claim waits for the lock in its fenced writes and then finds it gone.
     */
    private Optional<TaskStatus> takeBack(String id, int attempt, Abandoned why, int maxAttempts, String condition,
            Object[] conditionArgs) {
        return tx.execute(status -> {
            List<Object> args = new ArrayList<>(List.of(id, attempt));
            args.addAll(List.of(conditionArgs));
            List<Map<String, Object>> rows = jdbc.queryForList("SELECT runner, cancel_requested_at FROM tasks"
                    + " WHERE id = ? AND attempt = ? AND status = 'RUNNING' AND " + condition + " FOR UPDATE",
                    args.toArray());
            if (rows.isEmpty()) {
                return Optional.<TaskStatus>empty();
            }
            String runner = (String) rows.getFirst().get("runner");
            OffsetDateTime now = ts(clock.instant());
            if (rows.getFirst().get("cancel_requested_at") != null) {
                end(id, TaskStatus.CANCELLED, "cancelled", "cancel requested while it ran; then " + why.detail,
                        now);
                return Optional.of(TaskStatus.CANCELLED);
            }
            if (attempt >= maxAttempts) {
                end(id, TaskStatus.FAILED, "interrupted", "started " + attempt + " time(s) without finishing, as "
                        + "often as casebook.tasks.max-attempts allows; the last time on '" + runner + "': "
                        + why.detail, now);
                return Optional.of(TaskStatus.FAILED);
            }
            jdbc.update("UPDATE tasks SET status = 'QUEUED', lease_until = NULL WHERE id = ?", id);
            appendStep(id, "restarted", "queue", json.writeValueAsString(new Restarted(attempt, why.wire,
                    "attempt " + attempt + " on '" + runner + "' did not finish: " + why.detail
                            + "; queued to run again", runner)), now);
            return Optional.of(TaskStatus.QUEUED);
        });
    }

    /** The {@code restarted} step: the attempt that did not finish, why, and where it ran. */
    private record Restarted(int attempt, String reason, String detail, String runner) {
    }

    private void end(String id, TaskStatus status, String reason, String detail, OffsetDateTime now) {
        jdbc.update("""
                UPDATE tasks SET status = ?, reason = ?, detail = ?, finished_at = ?, lease_until = NULL
                WHERE id = ?""", status.name(), reason, detail, now, id);
        appendStep(id, "stopped", "stop", json.writeValueAsString(new Step.Stopped(reason, detail, 0)), now);
    }

    /** A step of the queue itself, numbered after the task's last one (the caller holds the task row's lock). */
    private void appendStep(String id, String type, String phase, String payload, OffsetDateTime now) {
        jdbc.update("""
                INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, 0, 0, ? FROM task_steps WHERE task_id = ?""",
                id, type, phase, payload, now, id);
    }

    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
