package dev.casebook.server.synthesis;

import dev.casebook.memory.embedding.VectorBytes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The replay buffer's tables ({@code replay_sources}, {@code replay_transitions}, Flyway V50; a transition without
 * embedding until its tenant's buffer is searched, V91) and what it reads of the run records of tasks. Every read of
 * transitions names its tenant.
 */
@Component
class ReplayRecords {
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    ReplayRecords(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    }

    /** A finished real task not read into the buffer yet. */
    record PendingTask(String id, String tenant, String text, Instant finishedAt) {
    }

    /** A tool step of a task's record: {@code tool_called} or {@code tool_returned} with its JSON payload. */
    record ToolStep(int seq, String type, String payload) {
    }

    /** A transition to store; it is embedded when its tenant's buffer is first searched. */
    record NewTransition(int callSeq, String history, String tool, String arguments, String observation, boolean ok) {
    }

    /** A stored transition not embedded yet: what retrieval compares of it. */
    record Unembedded(long id, String tool, String arguments, String task) {
    }

    /** A stored transition's id and embedding. */
    record Vector(long id, float[] embedding) {
    }

    /** What a tenant's buffer holds. */
    record Stats(long transitions, long sourceTasks, Map<String, Long> byTool) {
    }

    /** The newest finished time of a task read into the buffer; null when none was. */
    Instant latestIngested() {
        Timestamp latest = jdbc.queryForObject("SELECT MAX(finished_at) FROM replay_sources", Timestamp.class);
        return latest == null ? null : latest.toInstant();
    }

    /**
     * Finished tasks of source {@code real} that finished at or after {@code since} (all when null) and were not read
     * yet, oldest first.
     */
    List<PendingTask> pending(Instant since, int limit) {
        return jdbc.query("""
                SELECT t.id, t.tenant, t.text, t.finished_at FROM tasks t
                WHERE t.source = 'real' AND t.finished_at IS NOT NULL AND t.finished_at >= ?
                  AND NOT EXISTS (SELECT 1 FROM replay_sources s WHERE s.task_id = t.id)
                ORDER BY t.finished_at, t.id LIMIT ?""",
                (rs, n) -> new PendingTask(rs.getString("id"), rs.getString("tenant"), rs.getString("text"),
                        instant(rs, "finished_at")),
                Timestamp.from(since == null ? Instant.EPOCH : since), limit);
    }

    List<ToolStep> toolSteps(String taskId) {
        return jdbc.query("""
                SELECT seq, type, payload FROM task_steps
                WHERE task_id = ? AND type IN ('tool_called', 'tool_returned') ORDER BY seq""",
                (rs, n) -> new ToolStep(rs.getInt("seq"), rs.getString("type"), rs.getString("payload")), taskId);
    }

    /**
     * Stores a task's transitions, without embeddings, and marks the task read, in one transaction; false (nothing
     * written) when another instance read it first.
     */
    boolean insert(PendingTask task, List<NewTransition> transitions, Instant now) {
        try {
            tx.executeWithoutResult(status -> {
                jdbc.update("""
                        INSERT INTO replay_sources (task_id, tenant, finished_at, transitions, ingested_at)
                        VALUES (?, ?, ?, ?, ?)""", task.id(), task.tenant(), Timestamp.from(task.finishedAt()),
                        transitions.size(), Timestamp.from(now));
                jdbc.batchUpdate("""
                        INSERT INTO replay_transitions (tenant, task_id, call_seq, task_text, history, tool, arguments,
                            observation, ok, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", transitions, 200, (ps, t) -> {
                    ps.setString(1, task.tenant());
                    ps.setString(2, task.id());
                    ps.setInt(3, t.callSeq());
                    ps.setString(4, task.text());
                    ps.setString(5, t.history());
                    ps.setString(6, t.tool());
                    ps.setString(7, t.arguments());
                    ps.setString(8, t.observation());
                    ps.setBoolean(9, t.ok());
                    ps.setTimestamp(10, Timestamp.from(now));
                });
            });
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Deletes the tenant's oldest transitions beyond the newest {@code keep}; returns how many went. */
    int evict(String tenant, int keep) {
        List<Long> boundary = jdbc.queryForList("SELECT id FROM replay_transitions WHERE tenant = ? ORDER BY id DESC "
                + "LIMIT 1 OFFSET ?", Long.class, tenant, keep);
        return boundary.isEmpty() ? 0
                : jdbc.update("DELETE FROM replay_transitions WHERE tenant = ? AND id <= ?", tenant, boundary.getFirst());
    }

    /** The tenant's newest {@code limit} transitions above {@code afterId} that have no embedding yet, newest first. */
    List<Unembedded> unembedded(String tenant, long afterId, int limit) {
        return jdbc.query("""
                SELECT id, tool, arguments, task_text FROM replay_transitions
                WHERE tenant = ? AND id > ? AND embedding IS NULL ORDER BY id DESC LIMIT ?""",
                (rs, n) -> new Unembedded(rs.getLong("id"), rs.getString("tool"), rs.getString("arguments"),
                        rs.getString("task_text")), tenant, afterId, limit);
    }

    /**
     * Stores the embeddings of transitions that have none, with the model that made them; a transition embedded
     * meanwhile (by another instance) keeps the one it has. Returns how many were stored. The rows are updated
     * oldest first, the order in which {@link #evict} deletes, so that an update batch (one transaction on
     * PostgreSQL) and another instance's eviction take their row locks in the same order and cannot deadlock.
     */
    int embed(List<Vector> vectors, String embeddingModel) {
        List<Vector> oldestFirst = vectors.stream().sorted(Comparator.comparingLong(Vector::id)).toList();
        int[][] counts = jdbc.batchUpdate("""
                UPDATE replay_transitions SET embedding = ?, embedding_model = ?
                WHERE id = ? AND embedding IS NULL""", oldestFirst, 200, (ps, v) -> {
            ps.setBytes(1, VectorBytes.bytes(v.embedding()));
            ps.setString(2, embeddingModel);
            ps.setLong(3, v.id());
        });
        return Arrays.stream(counts).flatMapToInt(Arrays::stream).map(n -> Math.max(n, 0)).sum();
    }

    /** The tenant's newest {@code limit} embeddings of this model, oldest first. */
    List<Vector> newestVectors(String tenant, String embeddingModel, int limit) {
        List<Vector> newest = jdbc.query("""
                SELECT id, embedding FROM replay_transitions WHERE tenant = ? AND embedding_model = ?
                ORDER BY id DESC LIMIT ?""", VECTOR, tenant, embeddingModel, limit);
        List<Vector> ordered = new ArrayList<>(newest);
        Collections.reverse(ordered);
        return ordered;
    }

    /** The tenant's embeddings of this model with an id above {@code afterId}, oldest first. */
    List<Vector> vectorsAfter(String tenant, String embeddingModel, long afterId) {
        return jdbc.query("""
                SELECT id, embedding FROM replay_transitions WHERE tenant = ? AND embedding_model = ? AND id > ?
                ORDER BY id""", VECTOR, tenant, embeddingModel, afterId);
    }

    /** The tenant's transitions of these ids, in the order of the ids; ids gone meanwhile are left out. */
    List<ReplayTransition> transitions(String tenant, List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String in = String.join(",", Collections.nCopies(ids.size(), "?"));
        List<Object> args = new ArrayList<>();
        args.add(tenant);
        args.addAll(ids);
        Map<Long, ReplayTransition> byId = new LinkedHashMap<>();
        jdbc.query("SELECT * FROM replay_transitions WHERE tenant = ? AND id IN (" + in + ")", TRANSITION,
                args.toArray()).forEach(t -> byId.put(t.id(), t));
        return ids.stream().filter(byId::containsKey).map(byId::get).toList();
    }

    /** The tenant's newest {@code limit} transitions, newest first. */
    List<ReplayTransition> newest(String tenant, int limit) {
        return jdbc.query("SELECT * FROM replay_transitions WHERE tenant = ? ORDER BY id DESC LIMIT ?", TRANSITION,
                tenant, limit);
    }

    /** The transitions of one recorded task, in call order. */
    List<ReplayTransition> ofTask(String tenant, String taskId) {
        return jdbc.query("SELECT * FROM replay_transitions WHERE tenant = ? AND task_id = ? ORDER BY call_seq",
                TRANSITION, tenant, taskId);
    }

    Stats stats(String tenant) {
        Map<String, Long> byTool = new LinkedHashMap<>();
        jdbc.query("SELECT tool, COUNT(*) AS n FROM replay_transitions WHERE tenant = ? GROUP BY tool ORDER BY tool",
                (RowMapper<Void>) (rs, n) -> {
                    byTool.put(rs.getString("tool"), rs.getLong("n"));
                    return null;
                }, tenant);
        long sources = jdbc.queryForObject("SELECT COUNT(*) FROM replay_sources WHERE tenant = ?", Long.class, tenant);
        return new Stats(byTool.values().stream().mapToLong(Long::longValue).sum(), sources, byTool);
    }

    private static final RowMapper<Vector> VECTOR = (rs, n) -> new Vector(rs.getLong("id"),
            VectorBytes.floats(rs.getBytes("embedding")));

    private static final RowMapper<ReplayTransition> TRANSITION = (rs, n) -> new ReplayTransition(rs.getLong("id"),
            rs.getString("tenant"), rs.getString("task_id"), rs.getString("task_text"), rs.getString("history"),
            rs.getString("tool"), rs.getString("arguments"), rs.getString("observation"), rs.getBoolean("ok"));

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
