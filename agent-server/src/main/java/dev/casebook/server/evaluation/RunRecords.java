package dev.casebook.server.evaluation;

import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.batch.BatchTables;
import dev.casebook.server.batch.RunStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * Evaluation runs and items in the relational database. Their lifecycle and claims are those of every batch run
 * ({@link BatchTables}: on PostgreSQL {@code FOR UPDATE SKIP LOCKED}, so replicas sharing a run never take the same
 * item). An item is finished only by the instance that holds its claim, once.
 */
@Component
class RunRecords {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final BatchTables tables;

    RunRecords(JdbcTemplate jdbc, TransactionTemplate tx, DataSource dataSource) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.tables = new BatchTables(jdbc, dataSource, "eval_runs", "eval_items");
    }

    /** The run and item lifecycle the executors share with other batch runs. */
    BatchTables tables() {
        return tables;
    }

    record Run(String id, String tenant, String name, RunStatus status, String datasetName, String datasetPath,
               String datasetFormat, RunOptions settings, String primaryScorer, int totalItems, String error,
               Instant createdAt, Instant startedAt, Instant resumedAt, Instant finishedAt) {
    }

    record NewItem(int seq, int epoch, int attempt, String itemId, String group, String question, List<String> golds,
                   List<String> attachments) {
    }

    record Item(int seq, int epoch, int attempt, String itemId, String group, String question, List<String> golds,
                List<String> attachments, String status, String taskId, String prediction, String outcome,
                String detail, Map<String, Map<String, Object>> scores, Boolean correct, Long tokens, Long millis,
                List<Map<String, Object>> selectedCases, Boolean guardLeak, Instant finishedAt)
            implements BatchExecutor.Item {
    }

    /**
     * A finished item; {@code tokensEstimated} when some of its episode's tokens were estimated (an endpoint sent no
     * usage), as its task's {@code tokensEstimated} says.
     */
    record Finished(String taskId, String prediction, String outcome, String detail,
                    Map<String, Map<String, Object>> scores, Boolean correct, long tokens, boolean tokensEstimated,
                    long millis, List<Map<String, Object>> selectedCases, boolean guardLeak) {
    }

    /**
     * The run's items by status; {@code tokens} the finished items spent, {@code estimated} how many of them have
     * estimated tokens.
     */
    record Counts(int total, int done, int pending, int running, int correct, int scored, int doneSinceResume,
            long tokens, int estimated) {
    }

    void create(Run run, List<NewItem> items) {
        tx.executeWithoutResult(status -> {
            jdbc.update("""
                    INSERT INTO eval_runs (id, tenant, name, status, dataset_name, dataset_path, dataset_format, settings,
                        primary_scorer, total_items, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    run.id(), run.tenant(), run.name(), run.status().wire(), run.datasetName(), run.datasetPath(),
                    run.datasetFormat(), EvalJson.write(run.settings()), run.primaryScorer(), run.totalItems(),
                    Timestamp.from(run.createdAt()));
            jdbc.batchUpdate("""
                    INSERT INTO eval_items (run_id, seq, epoch, attempt, item_id, item_group, question, golds, attachments,
                        status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')""", items, 500, (ps, item) -> {
                ps.setString(1, run.id());
                ps.setInt(2, item.seq());
                ps.setInt(3, item.epoch());
                ps.setInt(4, item.attempt());
                ps.setString(5, item.itemId());
                ps.setString(6, item.group());
                ps.setString(7, item.question());
                ps.setString(8, EvalJson.write(item.golds()));
                ps.setString(9, EvalJson.write(item.attachments()));
            });
        });
    }

    /** The items of the tenant's queued and running runs that are not finished yet. */
    long unfinishedItems(String tenant) {
        return jdbc.queryForObject("""
                SELECT COUNT(*) FROM eval_items i JOIN eval_runs r ON r.id = i.run_id
                WHERE r.tenant = ? AND r.status IN ('queued', 'running') AND i.status IN ('pending', 'running')""",
                Long.class, tenant);
    }

    /** The items of a run not finished yet (a cancelled run's interrupted items are pending again). */
    long remainingItems(String runId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM eval_items WHERE run_id = ? AND status IN ('pending', 'running')",
                Long.class, runId);
    }

    Optional<Run> find(String tenant, String id) {
        return jdbc.query("SELECT * FROM eval_runs WHERE id = ? AND tenant = ?", RUN, id, tenant).stream().findFirst();
    }

    Optional<Run> find(String id) {
        return jdbc.query("SELECT * FROM eval_runs WHERE id = ?", RUN, id).stream().findFirst();
    }

    List<Run> list(String tenant, int limit) {
        return jdbc.query("SELECT * FROM eval_runs WHERE tenant = ? ORDER BY created_at DESC LIMIT ?", RUN, tenant, limit);
    }

    /**
     * Claims up to {@code limit} pending items of the run's earliest unfinished epoch for this instance
     * ({@link BatchTables#claim}), in seq order.
     */
    List<Item> claim(String runId, String instance, Instant now, int limit) {
        List<Integer> seqs = tables.claim(runId, instance, now, limit);
        if (seqs.isEmpty()) {
            return List.of();
        }
        String in = String.join(",", Collections.nCopies(seqs.size(), "?"));
        List<Object> args = new ArrayList<>();
        args.add(runId);
        args.addAll(seqs);
        return jdbc.query("SELECT * FROM eval_items WHERE run_id = ? AND seq IN (" + in + ") ORDER BY seq", ITEM,
                args.toArray());
    }

    /** Records a finished item; false (and nothing written) when this instance no longer holds its claim. */
    boolean finish(String runId, int seq, String instance, Finished result, Instant now) {
        return jdbc.update("""
                UPDATE eval_items SET status = 'done', task_id = ?, prediction = ?, outcome = ?, detail = ?, scores = ?,
                    correct = ?, tokens = ?, tokens_estimated = ?, millis = ?, selected_cases = ?, guard_leak = ?,
                    finished_at = ?, claimed_by = NULL
                WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                result.taskId(), result.prediction(), result.outcome(), result.detail(), EvalJson.write(result.scores()),
                result.correct(), result.tokens(), result.tokensEstimated(), result.millis(), EvalJson.write(result.selectedCases()),
                result.guardLeak(), Timestamp.from(now), runId, seq, instance) == 1;
    }

    /**
     * The run's progress. Its last resume comes from {@code run}, not from a join with {@code eval_runs}: on H2 the
     * join looked the run up once per item and tripled the cost of every progress poll. Whether tokens were estimated
     * is the items' kept {@code tokens_estimated} (V86), counted in the same pass, not a LIKE over their steps.
     */
    Counts counts(Run run) {
        Timestamp resumed = run.resumedAt() == null ? null : Timestamp.from(run.resumedAt());
        return jdbc.queryForObject("""
                SELECT COUNT(*) AS total,
                       SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done,
                       SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending,
                       SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running,
                       SUM(CASE WHEN status = 'done' AND correct = TRUE THEN 1 ELSE 0 END) AS correct,
                       SUM(CASE WHEN status = 'done' AND correct IS NOT NULL THEN 1 ELSE 0 END) AS scored,
                       SUM(CASE WHEN status = 'done' AND finished_at >= CAST(? AS TIMESTAMP WITH TIME ZONE) THEN 1 ELSE 0 END) AS since,
                       COALESCE(SUM(CASE WHEN status = 'done' THEN tokens END), 0) AS tokens,
                       SUM(CASE WHEN tokens_estimated THEN 1 ELSE 0 END) AS estimated
                FROM eval_items WHERE run_id = ?""",
                (rs, n) -> new Counts(rs.getInt("total"), rs.getInt("done"), rs.getInt("pending"), rs.getInt("running"),
                        rs.getInt("correct"), rs.getInt("scored"), rs.getInt("since"), rs.getLong("tokens"),
                        rs.getInt("estimated")), resumed,
                run.id());
    }

    Optional<Item> item(String runId, int seq) {
        return jdbc.query("SELECT * FROM eval_items WHERE run_id = ? AND seq = ?", ITEM, runId, seq).stream().findFirst();
    }

    List<Item> items(String runId, int offset, int limit) {
        return jdbc.query("SELECT * FROM eval_items WHERE run_id = ? ORDER BY seq LIMIT ? OFFSET ?", ITEM, runId, limit, offset);
    }

    List<Item> doneItems(String runId) {
        return jdbc.query("SELECT * FROM eval_items WHERE run_id = ? AND status = 'done' ORDER BY seq", ITEM, runId);
    }

    private static final RowMapper<Run> RUN = (rs, n) -> new Run(rs.getString("id"), rs.getString("tenant"),
            rs.getString("name"), RunStatus.of(rs.getString("status")), rs.getString("dataset_name"),
            rs.getString("dataset_path"), rs.getString("dataset_format"),
            EvalJson.read(rs.getString("settings"), RunOptions.class), rs.getString("primary_scorer"),
            rs.getInt("total_items"), rs.getString("error"), instant(rs, "created_at"), instant(rs, "started_at"),
            instant(rs, "resumed_at"), instant(rs, "finished_at"));

    private static final RowMapper<Item> ITEM = (rs, n) -> new Item(rs.getInt("seq"), rs.getInt("epoch"),
            rs.getInt("attempt"), rs.getString("item_id"), rs.getString("item_group"), rs.getString("question"),
            EvalJson.read(rs.getString("golds"), new TypeReference<List<String>>() { }),
            EvalJson.read(rs.getString("attachments"), new TypeReference<List<String>>() { }),
            rs.getString("status"), rs.getString("task_id"), rs.getString("prediction"), rs.getString("outcome"),
            rs.getString("detail"),
            rs.getString("scores") == null ? Map.of()
                    : EvalJson.read(rs.getString("scores"), new TypeReference<Map<String, Map<String, Object>>>() { }),
            (Boolean) rs.getObject("correct"), (Long) nullableLong(rs, "tokens"), (Long) nullableLong(rs, "millis"),
            rs.getString("selected_cases") == null ? List.of()
                    : EvalJson.read(rs.getString("selected_cases"), new TypeReference<List<Map<String, Object>>>() { }),
            (Boolean) rs.getObject("guard_leak"), instant(rs, "finished_at"));

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
