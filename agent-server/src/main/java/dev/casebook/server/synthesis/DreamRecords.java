package dev.casebook.server.synthesis;

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
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dream jobs, their tasks and items in the relational database (Flyway V50). The lifecycle and the claims are those of
 * every batch run ({@link BatchTables}: on PostgreSQL {@code FOR UPDATE SKIP LOCKED}). Epochs order the work: the
 * seeds' rollouts are epoch 1, curriculum round r is the only item of epoch 2r and adds its rollouts to epoch 2r+1, so
 * a round sees every reward before it and runs once. A task with more than one rollout also gets an item of kind
 * {@code group} in the epoch after its rollouts ({@link DreamGroup}: it is claimed once they all ended). An item is
 * finished only by the instance holding its claim.
 */
@Component
class DreamRecords {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ROLLOUT = "rollout";
    static final String CURRICULUM = "curriculum";
    static final String GROUP = "group";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final BatchTables tables;

    DreamRecords(JdbcTemplate jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.tables = new BatchTables(jdbc, dataSource, "dream_jobs", "dream_items");
    }

    record Job(String id, String tenant, String name, RunStatus status, DreamOptions settings, String error,
            Instant createdAt, Instant startedAt, Instant resumedAt, Instant finishedAt) {
    }

    /** A task of a job: a seed ({@code round} 0, no parent) or a variation of {@code parent} from that round. */
    record DreamTask(int no, String text, Integer parent, int round, Integer variedIn) {
    }

    /** A claimed or finished item; {@code task} is the text of its task (rollouts only). */
    record Item(int seq, int epoch, String kind, Integer taskNo, String task, String status, String taskId,
            String caseId, String outcome, String detail, Double reward, Long tokens, Long experienceTokens,
            Long millis, String transitions, Instant finishedAt)
            implements BatchExecutor.Item {
    }

    /**
     * How a rollout ended; {@code reward} null when it was not rated. {@code plan}, {@code trace} and {@code answer}
     * are what its group's failure analysis reads ({@link dev.casebook.server.lessons.Trace}).
     */
    record Finished(String taskId, String caseId, String outcome, String detail, Double reward, long tokens,
            long experienceTokens, long millis, String transitions, String plan, String trace, String answer) {
    }

    /** A finished, rated rollout of a group: its verdict, its reasoning ({@code detail}) and what it did. */
    record Member(int seq, String taskId, double reward, String detail, long tokens, String plan, String trace,
            String answer) {
        boolean passed() {
            return reward >= 0.5;
        }
    }

    /** How a group was decided: its outcome, its lesson, the negative case it wrote (null when none). */
    record Decided(String outcome, String lesson, String negativeCaseId, long tokens, long millis) {
    }

    /** A task's rollouts so far, for the curriculum and the results. */
    record TaskStats(DreamTask task, int rollouts, int rated, int successes, Double meanReward) {
        Double successRate() {
            return rated == 0 ? null : successes / (double) rated;
        }
    }

    /** The job's rollouts and rounds by status; {@code tokens} its finished items spent, agent and experience model. */
    record Counts(int rollouts, int done, int running, int pending, int rated, int successes, Double meanReward,
            int rounds, int roundsDone, long tokens) {
    }

    BatchTables tables() {
        return tables;
    }

    /** The job, its seed tasks, their rollouts (epoch 1) and its curriculum rounds, in one transaction. */
    void create(Job job, List<String> seeds) {
        int rollouts = job.settings().rolloutsPerTask();
        tx.executeWithoutResult(status -> {
            jdbc.update("""
                    INSERT INTO dream_jobs (id, tenant, name, status, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)""",
                    job.id(), job.tenant(), job.name(), job.status().wire(), JSON.writeValueAsString(job.settings()),
                    Timestamp.from(job.createdAt()));
            List<Object[]> tasks = new ArrayList<>();
            List<Object[]> items = new ArrayList<>();
            for (int no = 0; no < seeds.size(); no++) {
                tasks.add(new Object[] {job.id(), no, seeds.get(no), null, 0});
                for (int r = 0; r < rollouts; r++) {
                    items.add(new Object[] {job.id(), items.size(), 1, ROLLOUT, no});
                }
            }
            if (rollouts > 1) { // after every seed's rollouts, beside curriculum round 1 (epoch 2)
                for (int no = 0; no < seeds.size(); no++) {
                    items.add(new Object[] {job.id(), items.size(), 2, GROUP, no});
                }
            }
            for (int round = 1; round <= job.settings().curriculum().rounds(); round++) {
                items.add(new Object[] {job.id(), items.size(), 2 * round, CURRICULUM, null});
            }
            insertTasks(tasks);
            insertItems(items);
        });
    }

    private void insertTasks(List<Object[]> rows) {
        jdbc.batchUpdate("INSERT INTO dream_tasks (job_id, task_no, text, parent_no, curriculum_round) "
                + "VALUES (?, ?, ?, ?, ?)", rows);
    }

    private void insertItems(List<Object[]> rows) {
        jdbc.batchUpdate("INSERT INTO dream_items (run_id, seq, epoch, kind, task_no, status) "
                + "VALUES (?, ?, ?, ?, ?, 'pending')", rows);
    }

    /** The rollouts the tenant's queued and running jobs may still run: each job's budget less its finished ones. */
    long unfinishedRollouts(String tenant) {
        long open = 0;
        for (Job job : jdbc.query("SELECT * FROM dream_jobs WHERE tenant = ? AND status IN ('queued', 'running')", JOB,
                tenant)) {
            open += remainingRollouts(job);
        }
        return open;
    }

    /** The rollouts of its budget a job has not finished. */
    long remainingRollouts(Job job) {
        int done = jdbc.queryForObject("SELECT COUNT(*) FROM dream_items WHERE run_id = ? AND kind = 'rollout'"
                + " AND status NOT IN ('pending', 'running')", Integer.class, job.id());
        return Math.max(0, job.settings().maxRollouts() - done);
    }

    Optional<Job> find(String tenant, String id) {
        return jdbc.query("SELECT * FROM dream_jobs WHERE id = ? AND tenant = ?", JOB, id, tenant).stream().findFirst();
    }

    Optional<Job> find(String id) {
        return jdbc.query("SELECT * FROM dream_jobs WHERE id = ?", JOB, id).stream().findFirst();
    }

    List<Job> list(String tenant, int limit) {
        return jdbc.query("SELECT * FROM dream_jobs WHERE tenant = ? ORDER BY created_at DESC LIMIT ?", JOB, tenant,
                limit);
    }

    /** Claims up to {@code limit} items of the job's earliest unfinished epoch ({@link BatchTables#claim}). */
    List<Item> claim(String jobId, String instance, Instant now, int limit) {
        List<Integer> seqs = tables.claim(jobId, instance, now, limit);
        if (seqs.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>();
        args.add(jobId);
        args.addAll(seqs);
        return jdbc.query(ITEMS + " WHERE i.run_id = ? AND i.seq IN (" + String.join(",",
                Collections.nCopies(seqs.size(), "?")) + ") ORDER BY i.seq", ITEM, args.toArray());
    }

    /** Records a finished rollout; false (nothing written) when this instance no longer holds its claim. */
    boolean finishRollout(String jobId, int seq, String instance, Finished result, Instant now) {
        return jdbc.update("""
                UPDATE dream_items SET status = 'done', task_id = ?, case_id = ?, outcome = ?, detail = ?, reward = ?,
                    tokens = ?, experience_tokens = ?, millis = ?, transitions = ?, plan = ?, trace = ?, answer = ?,
                    finished_at = ?, claimed_by = NULL
                WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                result.taskId(), result.caseId(), result.outcome(), result.detail(), result.reward(), result.tokens(),
                result.experienceTokens(), result.millis(), result.transitions(), result.plan(), result.trace(),
                result.answer(), Timestamp.from(now), jobId, seq, instance) == 1;
    }

    /** The rated rollouts of a task of the job, in order. */
    List<Member> members(String jobId, int taskNo) {
        return jdbc.query("""
                SELECT seq, task_id, reward, detail, tokens, plan, trace, answer FROM dream_items
                WHERE run_id = ? AND task_no = ? AND kind = 'rollout' AND status = 'done' AND reward IS NOT NULL
                ORDER BY seq""", (rs, n) -> new Member(rs.getInt("seq"), rs.getString("task_id"),
                rs.getDouble("reward"), rs.getString("detail"), rs.getLong("tokens"), rs.getString("plan"),
                rs.getString("trace"), rs.getString("answer")), jobId, taskNo);
    }

    /** Records a decided group; false (nothing written) when this instance no longer holds its claim. */
    boolean finishGroup(String jobId, int seq, String instance, Decided decided, Instant now) {
        return jdbc.update("""
                UPDATE dream_items SET status = 'done', case_id = ?, outcome = ?, detail = ?, tokens = 0,
                    experience_tokens = ?, millis = ?, finished_at = ?, claimed_by = NULL
                WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                decided.negativeCaseId(), decided.outcome(), decided.lesson(), decided.tokens(), decided.millis(),
                Timestamp.from(now), jobId, seq, instance) == 1;
    }

    /**
     * Records a finished curriculum round and, in the same transaction, the tasks it proposed (variations of
     * {@code varied}) with {@code rolloutsPerTask[i]} rollouts each in the epoch after it; false (nothing written)
     * when this instance no longer holds the round's claim.
     */
    boolean finishCurriculum(String jobId, Item round, String instance, CurriculumRound.Proposal proposal,
            Instant now) {
        Boolean done = tx.execute(status -> {
            int updated = jdbc.update("""
                    UPDATE dream_items SET status = 'done', outcome = ?, detail = ?, tokens = ?, experience_tokens = ?,
                        millis = ?, finished_at = ?, claimed_by = NULL
                    WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                    proposal.outcome(), JSON.writeValueAsString(proposal.summary()), 0L, proposal.tokens(),
                    proposal.millis(), Timestamp.from(now), jobId, round.seq(), instance);
            if (updated != 1) {
                return false;
            }
            int nextTask = jdbc.queryForObject("SELECT COALESCE(MAX(task_no), -1) + 1 FROM dream_tasks WHERE job_id = ?",
                    Integer.class, jobId);
            int nextSeq = jdbc.queryForObject("SELECT MAX(seq) + 1 FROM dream_items WHERE run_id = ?", Integer.class,
                    jobId);
            int roundNo = round.epoch() / 2;
            List<Object[]> tasks = new ArrayList<>();
            List<Object[]> items = new ArrayList<>();
            for (CurriculumRound.Variation v : proposal.variations()) {
                int no = nextTask + tasks.size();
                tasks.add(new Object[] {jobId, no, v.text(), v.parent(), roundNo});
                for (int r = 0; r < v.rollouts(); r++) {
                    items.add(new Object[] {jobId, nextSeq + items.size(), round.epoch() + 1, ROLLOUT, no});
                }
            }
            for (int i = 0; i < proposal.variations().size(); i++) { // after the variations' rollouts
                if (proposal.variations().get(i).rollouts() > 1) {
                    items.add(new Object[] {jobId, nextSeq + items.size(), round.epoch() + 2, GROUP, nextTask + i});
                }
            }
            insertTasks(tasks);
            insertItems(items);
            for (Integer parent : proposal.varied()) {
                jdbc.update("UPDATE dream_tasks SET varied_in = ? WHERE job_id = ? AND task_no = ?", roundNo, jobId,
                        parent);
            }
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    /** Every task of the job with its finished rollouts; a success is a reward of at least 0.5. */
    List<TaskStats> taskStats(String jobId) {
        return jdbc.query("""
                SELECT t.task_no, t.text, t.parent_no, t.curriculum_round, t.varied_in,
                       COUNT(i.seq) AS rollouts, COUNT(i.reward) AS rated,
                       SUM(CASE WHEN i.reward >= 0.5 THEN 1 ELSE 0 END) AS successes, AVG(i.reward) AS mean_reward
                FROM dream_tasks t LEFT JOIN dream_items i
                    ON i.run_id = t.job_id AND i.task_no = t.task_no AND i.kind = 'rollout' AND i.status = 'done'
                WHERE t.job_id = ?
                GROUP BY t.task_no, t.text, t.parent_no, t.curriculum_round, t.varied_in
                ORDER BY t.task_no""", (rs, n) -> new TaskStats(new DreamTask(rs.getInt("task_no"),
                rs.getString("text"), (Integer) rs.getObject("parent_no"), rs.getInt("curriculum_round"),
                (Integer) rs.getObject("varied_in")), rs.getInt("rollouts"), rs.getInt("rated"),
                rs.getInt("successes"), nullableDouble(rs, "mean_reward")), jobId);
    }

    int rolloutCount(String jobId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM dream_items WHERE run_id = ? AND kind = 'rollout'",
                Integer.class, jobId);
    }

    Counts counts(String jobId) {
        return jdbc.queryForObject("""
                SELECT SUM(CASE WHEN kind = 'rollout' THEN 1 ELSE 0 END) AS rollouts,
                       SUM(CASE WHEN kind = 'rollout' AND status = 'done' THEN 1 ELSE 0 END) AS done,
                       SUM(CASE WHEN kind = 'rollout' AND status = 'running' THEN 1 ELSE 0 END) AS running,
                       SUM(CASE WHEN kind = 'rollout' AND status = 'pending' THEN 1 ELSE 0 END) AS pending,
                       SUM(CASE WHEN kind = 'rollout' AND reward IS NOT NULL THEN 1 ELSE 0 END) AS rated,
                       SUM(CASE WHEN kind = 'rollout' AND reward >= 0.5 THEN 1 ELSE 0 END) AS successes,
                       AVG(CASE WHEN kind = 'rollout' THEN reward END) AS mean_reward,
                       SUM(CASE WHEN kind = 'curriculum' THEN 1 ELSE 0 END) AS rounds,
                       SUM(CASE WHEN kind = 'curriculum' AND status = 'done' THEN 1 ELSE 0 END) AS rounds_done,
                       COALESCE(SUM(CASE WHEN status = 'done'
                           THEN COALESCE(tokens, 0) + COALESCE(experience_tokens, 0) END), 0) AS tokens
                FROM dream_items WHERE run_id = ?""", (rs, n) -> new Counts(rs.getInt("rollouts"), rs.getInt("done"),
                rs.getInt("running"), rs.getInt("pending"), rs.getInt("rated"), rs.getInt("successes"),
                nullableDouble(rs, "mean_reward"), rs.getInt("rounds"), rs.getInt("rounds_done"), rs.getLong("tokens")),
                jobId);
    }

    List<Item> items(String jobId) {
        return jdbc.query(ITEMS + " WHERE i.run_id = ? ORDER BY i.seq", ITEM, jobId);
    }

    /** Distinct texts of the tenant's answered real tasks that called a tool, the most recently finished first. */
    List<String> recordedTasks(String tenant, int limit) {
        return jdbc.queryForList("""
                SELECT t.text FROM tasks t
                WHERE t.tenant = ? AND t.source = 'real' AND t.status = 'ANSWERED'
                  AND EXISTS (SELECT 1 FROM task_steps s WHERE s.task_id = t.id AND s.type = 'tool_called')
                GROUP BY t.text ORDER BY MAX(t.finished_at) DESC LIMIT ?""", String.class, tenant, limit);
    }

    private static final String ITEMS = """
            SELECT i.*, t.text AS task_text FROM dream_items i
            LEFT JOIN dream_tasks t ON t.job_id = i.run_id AND t.task_no = i.task_no""";

    private static final RowMapper<Job> JOB = (rs, n) -> new Job(rs.getString("id"), rs.getString("tenant"),
            rs.getString("name"), RunStatus.of(rs.getString("status")),
            JSON.readValue(rs.getString("settings"), DreamOptions.class), rs.getString("error"),
            instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "resumed_at"), instant(rs, "finished_at"));

    private static final RowMapper<Item> ITEM = (rs, n) -> new Item(rs.getInt("seq"), rs.getInt("epoch"),
            rs.getString("kind"), (Integer) rs.getObject("task_no"), rs.getString("task_text"), rs.getString("status"),
            rs.getString("task_id"), rs.getString("case_id"), rs.getString("outcome"), rs.getString("detail"),
            nullableDouble(rs, "reward"), nullableLong(rs, "tokens"), nullableLong(rs, "experience_tokens"),
            nullableLong(rs, "millis"), rs.getString("transitions"), instant(rs, "finished_at"));

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
