package dev.casebook.server.sandboxtasks;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The counts a sandbox task job's progress and validation report are computed from ({@link JobReports}): read-only
 * aggregates over the rows that {@link SandboxTaskRecords} writes, which hands them out ({@code records.counts()}).
 */
final class SandboxTaskCounts {
    private final JdbcTemplate jdbc;

    SandboxTaskCounts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Items of a round of one kind in one status: how many, their level, and (rollouts) how many have a reward, passed. */
    record ItemCount(int round, String kind, String status, Integer level, int items, int scored, int passed,
            long tokens) {
    }

    /** Generated tasks of a round at a level, kept or discarded for a reason. */
    record TaskCount(int round, int level, boolean kept, String reason, int tasks) {
    }

    /** A generated task's verification history: kept or discarded for a reason, after the repairs listed. */
    record Validated(boolean kept, String reason, List<SandboxTaskRecords.Repair> repairs) {
    }

    /** The job's items counted per round, kind and status: what its progress is computed from. */
    List<ItemCount> itemCounts(String jobId) {
        return jdbc.query("""
                SELECT round, kind, status, MAX(difficulty) AS level, COUNT(*) AS n,
                       SUM(CASE WHEN reward IS NOT NULL THEN 1 ELSE 0 END) AS scored,
                       SUM(CASE WHEN reward >= 0.5 THEN 1 ELSE 0 END) AS passed,
                       COALESCE(SUM(tokens), 0) AS tokens
                FROM sandbox_task_items WHERE run_id = ? GROUP BY round, kind, status ORDER BY round""",
                (rs, i) -> new ItemCount(rs.getInt("round"), rs.getString("kind"), rs.getString("status"),
                        rs.getObject("level", Integer.class), rs.getInt("n"), rs.getInt("scored"),
                        rs.getInt("passed"), rs.getLong("tokens")), jobId);
    }

    List<Validated> validations(String jobId) {
        return jdbc.query("SELECT kept, reason, repairs FROM sandbox_tasks WHERE job_id = ? ORDER BY slot",
                (rs, i) -> new Validated(rs.getBoolean("kept"), rs.getString("reason"),
                        SandboxTaskRecords.repairs(rs)), jobId);
    }

    List<TaskCount> taskCounts(String jobId) {
        return jdbc.query("""
                SELECT round, difficulty, kept, reason, COUNT(*) AS n FROM sandbox_tasks WHERE job_id = ?
                GROUP BY round, difficulty, kept, reason ORDER BY round""",
                (rs, i) -> new TaskCount(rs.getInt("round"), rs.getInt("difficulty"), rs.getBoolean("kept"),
                        rs.getString("reason"), rs.getInt("n")), jobId);
    }
}
