package dev.casebook.server.sandboxtasks;

import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.batch.BatchTables;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.tools.tasks.SandboxTask;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Sandbox task jobs, their generated tasks and their items in the relational database. The lifecycle and claims are
 * those of every batch run ({@link BatchTables}: on PostgreSQL {@code FOR UPDATE SKIP LOCKED}). An item is finished
 * only by the instance that holds its claim, once; a generation's task and its rollouts are written in the same
 * transaction as its finish, so a job never looks finished while a kept task's rollouts are still to be added.
 */
@Component
class SandboxTaskRecords {
    static final String GENERATE = "generate";
    static final String ROLLOUT = "rollout";
    /** The item that decides a kept task's cases once all its rollouts ended ({@link RolloutGroup}). */
    static final String GROUP = "group";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final BatchTables tables;
    private final SandboxTaskCounts counts;

    SandboxTaskRecords(JdbcTemplate jdbc, TransactionTemplate tx, DataSource dataSource) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.tables = new BatchTables(jdbc, dataSource, "sandbox_task_jobs", "sandbox_task_items");
        this.counts = new SandboxTaskCounts(jdbc);
    }

    BatchTables tables() {
        return tables;
    }

    /** The counts a job's progress is computed from. */
    SandboxTaskCounts counts() {
        return counts;
    }

    record Job(String id, String tenant, String name, RunStatus status, JobOptions settings, String error,
               Instant createdAt, Instant startedAt, Instant resumedAt, Instant finishedAt) {
    }

    /** A claimed item: a slot's generation, or one rollout of a slot's task ({@code difficulty} set). */
    record Item(int seq, int epoch, String kind, int slot, Integer rollout, int round, Integer difficulty)
            implements BatchExecutor.Item {
    }

    /**
     * What became of a slot's generation. {@code task} is null when the generator gave none; {@code repairs} are the
     * verifications that sent earlier versions back to the generator; {@code seed} the real task it practises.
     */
    record Generation(int difficulty, SandboxTask task, boolean kept, String reason, String detail,
                      String referenceAnswer, long tokens, long millis, String nearMiss, List<Repair> repairs,
                      String seed) {
        Generation {
            repairs = repairs == null ? List.of() : List.copyOf(repairs);
        }

        Generation(int difficulty, SandboxTask task, boolean kept, String reason, String detail,
                   String referenceAnswer, long tokens, long millis) {
            this(difficulty, task, kept, reason, detail, referenceAnswer, tokens, millis, null, List.of(), null);
        }
    }

    /** A verification that did not keep a version of the task, which went back to the generator. */
    record Repair(String reason, String detail) {
    }

    /** A generated task as stored; the program fields are null when the generator gave no task. */
    record TaskRow(int slot, int round, int difficulty, Integer estimate, String statement, Map<String, String> files,
                   String validator, String reference, boolean kept, String reason, String detail,
                   String referenceAnswer, long tokens, long millis, Instant createdAt, String nearMiss,
                   List<Repair> repairs, String seed) {
        SandboxTask task() {
            return new SandboxTask(statement, files, validator, reference, estimate);
        }
    }

    /**
     * How a rollout ended. {@code reward} is 1 or 0 from the validator's verdict, null when the rollout failed for
     * a reason outside the agent (the LLM unreachable, the sandbox broken): no evidence for the curriculum. The plan,
     * trace and answer are what its group's failure analysis reads ({@link RolloutGroup}).
     */
    record RolloutResult(String taskId, String caseId, Double reward, String verdict, String validatorOutput,
                         String lesson, String outcome, String detail, long tokens, long millis, String plan,
                         String trace, String answer) {
        RolloutResult(String taskId, String caseId, Double reward, String verdict, String validatorOutput,
                      String lesson, String outcome, String detail, long tokens, long millis) {
            this(taskId, caseId, reward, verdict, validatorOutput, lesson, outcome, detail, tokens, millis, null, null,
                    null);
        }
    }

    record RolloutRow(int seq, int slot, int rollout, int round, int difficulty, String status, String taskId,
                      String caseId, Double reward, String verdict, String validatorOutput, String lesson,
                      String outcome, String detail, Long tokens, Long millis, Instant finishedAt, String plan,
                      String trace, String answer) {
        boolean scored() {
            return "done".equals(status) && reward != null;
        }

        boolean passed() {
            return scored() && reward >= 0.5;
        }
    }

    /**
     * What a task's group decided ({@link RolloutGroup}): {@code outcome} is {@code positive},
     * {@code positive_and_negative}, {@code negative}, {@code task_defect}, {@code undecided} or {@code no_evidence};
     * {@code triage} the triage's verdict when every rollout failed; the cases written (null when none).
     */
    record GroupResult(String outcome, String detail, String triage, String lesson, String positiveCaseId,
                       String negativeCaseId, int scored, int passed, long tokens, long millis) {
        Double successRate() {
            return scored == 0 ? null : (double) passed / scored;
        }

        boolean defect() {
            return RolloutGroup.TASK_DEFECT.equals(outcome);
        }
    }

    /** A task's group item as stored. */
    record GroupRow(int seq, int slot, int round, String status, String outcome, String detail, String triage,
                    String lesson, String positiveCaseId, String negativeCaseId, Double successRate, Long tokens,
                    Long millis, Instant finishedAt) {
    }

    void create(Job job) {
        JobOptions settings = job.settings();
        tx.executeWithoutResult(status -> {
            jdbc.update("""
                    INSERT INTO sandbox_task_jobs (id, tenant, name, status, settings, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)""", job.id(), job.tenant(), job.name(), job.status().wire(),
                    JSON.writeValueAsString(settings), Timestamp.from(job.createdAt()));
            List<Object[]> items = new ArrayList<>();
            for (int slot = 0; slot < settings.tasks(); slot++) {
                int round = settings.round(slot);
                items.add(new Object[] {job.id(), slot, 2 * round, GENERATE, slot, round});
            }
            jdbc.batchUpdate("""
                    INSERT INTO sandbox_task_items (run_id, seq, epoch, kind, slot, round, status)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending')""", items);
        });
    }

    /**
     * The items the tenant's queued and running jobs may still run, every kind counted ({@link #remainingItems}).
     */
    long unfinishedItems(String tenant) {
        long open = 0;
        for (Job job : jdbc.query("SELECT * FROM sandbox_task_jobs WHERE tenant = ? AND status IN ('queued', 'running')",
                JOB, tenant)) {
            open += remainingItems(job);
        }
        return open;
    }

    /**
     * The items a job may still run: those recorded and not finished (generations, rollouts and group items alike),
     * and for each generation not finished the rollouts and group item its task adds if kept. Read in one statement,
     * so a generation that finishes meanwhile is not counted both ways.
     */
    long remainingItems(Job job) {
        return jdbc.queryForObject("""
                SELECT COUNT(*) AS unfinished, SUM(CASE WHEN kind = ? THEN 1 ELSE 0 END) AS generating
                FROM sandbox_task_items WHERE run_id = ? AND status IN ('pending', 'running')""",
                (rs, i) -> rs.getLong("unfinished") + rs.getLong("generating")
                        * JobOptions.itemsPerKeptTask(job.settings().rolloutsPerTask()), GENERATE, job.id());
    }

    Optional<Job> find(String tenant, String id) {
        return jdbc.query("SELECT * FROM sandbox_task_jobs WHERE id = ? AND tenant = ?", JOB, id, tenant).stream()
                .findFirst();
    }

    Optional<Job> find(String id) {
        return jdbc.query("SELECT * FROM sandbox_task_jobs WHERE id = ?", JOB, id).stream().findFirst();
    }

    List<Job> list(String tenant, int limit) {
        return jdbc.query("SELECT * FROM sandbox_task_jobs WHERE tenant = ? ORDER BY created_at DESC LIMIT ?", JOB,
                tenant, limit);
    }

    List<Item> claim(String runId, String instance, Instant now, int limit) {
        List<Integer> seqs = tables.claim(runId, instance, now, limit);
        if (seqs.isEmpty()) {
            return List.of();
        }
        List<Object> args = new ArrayList<>(List.of(runId));
        args.addAll(seqs);
        return jdbc.query("SELECT * FROM sandbox_task_items WHERE run_id = ? AND seq IN ("
                + String.join(",", Collections.nCopies(seqs.size(), "?")) + ") ORDER BY seq", ITEM, args.toArray());
    }

    /**
     * Records a slot's generation: its task, and for a kept task its rollouts, in one transaction with the item's
     * finish; false (and nothing written) when this instance no longer holds the claim.
     */
    boolean finishGeneration(Job job, Item item, String instance, Generation generation, Instant now) {
        JobOptions settings = job.settings();
        Boolean done = tx.execute(status -> {
            if (jdbc.update("""
                    UPDATE sandbox_task_items SET status = 'done', difficulty = ?, outcome = ?, detail = ?, tokens = ?,
                        millis = ?, finished_at = ?, claimed_by = NULL
                    WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                    generation.difficulty(), generation.kept() ? "kept" : generation.reason(), generation.detail(),
                    generation.tokens(), generation.millis(), Timestamp.from(now), job.id(), item.seq(),
                    instance) != 1) {
                return false;
            }
            SandboxTask task = generation.task();
            jdbc.update("""
                    INSERT INTO sandbox_tasks (job_id, slot, round, difficulty, estimate, statement, files, validator,
                        reference, kept, reason, detail, reference_answer, tokens, millis, created_at, near_miss,
                        repairs, seed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    job.id(), item.slot(), item.round(), generation.difficulty(),
                    task == null ? null : task.difficulty(), task == null ? null : task.statement(),
                    task == null ? null : JSON.writeValueAsString(task.files()),
                    task == null ? null : task.validator(), task == null ? null : task.reference(),
                    generation.kept(), generation.reason(), generation.detail(), generation.referenceAnswer(),
                    generation.tokens(), generation.millis(), Timestamp.from(now), generation.nearMiss(),
                    JSON.writeValueAsString(generation.repairs()), generation.seed());
            if (generation.kept()) {
                List<Object[]> rollouts = new ArrayList<>();
                for (int r = 0; r < settings.rolloutsPerTask(); r++) {
                    rollouts.add(new Object[] {job.id(), settings.rolloutSeq(item.slot(), r), 2 * item.round() + 1,
                            ROLLOUT, item.slot(), r, item.round(), generation.difficulty()});
                }
                // the group item: its epoch comes after every rollout of the round, so it runs once they all ended
                rollouts.add(new Object[] {job.id(), settings.groupSeq(item.slot()), 2 * item.round() + 2, GROUP,
                        item.slot(), null, item.round(), generation.difficulty()});
                jdbc.batchUpdate("""
                        INSERT INTO sandbox_task_items (run_id, seq, epoch, kind, slot, rollout, round, difficulty,
                            status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending')""", rollouts);
            }
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    /** Records a finished rollout; false (and nothing written) when this instance no longer holds the claim. */
    boolean finishRollout(String runId, int seq, String instance, RolloutResult result, Instant now) {
        return jdbc.update("""
                UPDATE sandbox_task_items SET status = 'done', task_id = ?, case_id = ?, reward = ?, verdict = ?,
                    validator_output = ?, lesson = ?, outcome = ?, detail = ?, tokens = ?, millis = ?, finished_at = ?,
                    plan = ?, trace = ?, answer = ?, claimed_by = NULL
                WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                result.taskId(), result.caseId(), result.reward(), result.verdict(), result.validatorOutput(),
                result.lesson(), result.outcome(), result.detail(), result.tokens(), result.millis(),
                Timestamp.from(now), result.plan(), result.trace(), result.answer(), runId, seq, instance) == 1;
    }

    /**
     * Records a task's group decision with its item's finish, in one transaction: each scored rollout names the case
     * that holds its evidence (the positive case when there is one), and a defective task is discarded
     * ({@code task_defect}, the triage's reason as detail). False (nothing written) when the claim no longer stands.
     */
    boolean finishGroup(String runId, Item item, String instance, GroupResult group, Instant now) {
        Boolean done = tx.execute(status -> {
            if (jdbc.update("""
                    UPDATE sandbox_task_items SET status = 'done', outcome = ?, detail = ?, verdict = ?, lesson = ?,
                        case_id = ?, negative_case_id = ?, reward = ?, tokens = ?, millis = ?, finished_at = ?,
                        claimed_by = NULL
                    WHERE run_id = ? AND seq = ? AND status = 'running' AND claimed_by = ?""",
                    group.outcome(), group.detail(), group.triage(), group.lesson(), group.positiveCaseId(),
                    group.negativeCaseId(), group.successRate(), group.tokens(), group.millis(), Timestamp.from(now),
                    runId, item.seq(), instance) != 1) {
                return false;
            }
            String holder = group.positiveCaseId() != null ? group.positiveCaseId() : group.negativeCaseId();
            if (holder != null) {
                jdbc.update("UPDATE sandbox_task_items SET case_id = ? WHERE run_id = ? AND slot = ? AND kind = ? AND"
                        + " reward IS NOT NULL", holder, runId, item.slot(), ROLLOUT);
            }
            if (group.defect()) {
                jdbc.update("UPDATE sandbox_tasks SET kept = ?, reason = ?, detail = ? WHERE job_id = ? AND slot = ?",
                        false, RolloutGroup.TASK_DEFECT, group.detail(), runId, item.slot());
            }
            return true;
        });
        return Boolean.TRUE.equals(done);
    }

    /** The rollouts of one task slot, in order. */
    List<RolloutRow> rollouts(String jobId, int slot) {
        return jdbc.query("SELECT * FROM sandbox_task_items WHERE run_id = ? AND kind = ? AND slot = ? ORDER BY seq",
                ROLLOUT_ROW, jobId, ROLLOUT, slot);
    }

    /** The job's group items, by slot. */
    List<GroupRow> groups(String jobId) {
        return jdbc.query("SELECT * FROM sandbox_task_items WHERE run_id = ? AND kind = ? ORDER BY slot",
                (rs, n) -> new GroupRow(rs.getInt("seq"), rs.getInt("slot"), rs.getInt("round"),
                        rs.getString("status"), rs.getString("outcome"), rs.getString("detail"),
                        rs.getString("verdict"), rs.getString("lesson"), rs.getString("case_id"),
                        rs.getString("negative_case_id"), rs.getObject("reward", Double.class),
                        rs.getObject("tokens", Long.class), rs.getObject("millis", Long.class),
                        instant(rs, "finished_at")), jobId, GROUP);
    }

    Optional<TaskRow> task(String jobId, int slot) {
        return jdbc.query("SELECT * FROM sandbox_tasks WHERE job_id = ? AND slot = ?", TASK, jobId, slot).stream()
                .findFirst();
    }

    List<TaskRow> tasks(String jobId) {
        return jdbc.query("SELECT * FROM sandbox_tasks WHERE job_id = ? ORDER BY slot", TASK, jobId);
    }

    /** The last {@code limit} tasks the generator proposed (newest last). */
    List<TaskRow> latestTasks(String jobId, int limit) {
        List<TaskRow> rows = new ArrayList<>(jdbc.query("SELECT * FROM sandbox_tasks WHERE job_id = ? AND statement"
                + " IS NOT NULL ORDER BY slot DESC LIMIT ?", TASK, jobId, limit));
        Collections.reverse(rows);
        return rows;
    }

    List<RolloutRow> rollouts(String jobId) {
        return jdbc.query("SELECT * FROM sandbox_task_items WHERE run_id = ? AND kind = 'rollout' ORDER BY seq",
                ROLLOUT_ROW, jobId);
    }

    /**
     * The rounds before {@code round} as the curriculum reads them: each round's level (that of its generations) and
     * its rollouts with a verdict. Rounds are complete when the next one runs (its epochs come later).
     */
    List<Curriculum.Round> rounds(String jobId, int round) {
        return jdbc.query("""
                SELECT round,
                       MAX(CASE WHEN kind = 'generate' THEN difficulty END) AS level,
                       SUM(CASE WHEN kind = 'rollout' AND status = 'done' AND reward IS NOT NULL THEN 1 ELSE 0 END) AS n,
                       SUM(CASE WHEN kind = 'rollout' AND status = 'done' AND reward >= 0.5 THEN 1 ELSE 0 END) AS s
                FROM sandbox_task_items WHERE run_id = ? AND round < ?
                GROUP BY round ORDER BY round""",
                (rs, i) -> new Curriculum.Round(rs.getInt("round"), rs.getInt("level"), rs.getInt("n"),
                        rs.getInt("s")), jobId, round);
    }

    private static final RowMapper<Job> JOB = (rs, n) -> new Job(rs.getString("id"), rs.getString("tenant"),
            rs.getString("name"), RunStatus.of(rs.getString("status")),
            JSON.readValue(rs.getString("settings"), JobOptions.class), rs.getString("error"),
            instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "resumed_at"),
            instant(rs, "finished_at"));

    private static final RowMapper<Item> ITEM = (rs, n) -> new Item(rs.getInt("seq"), rs.getInt("epoch"),
            rs.getString("kind"), rs.getInt("slot"), (Integer) rs.getObject("rollout", Integer.class),
            rs.getInt("round"), (Integer) rs.getObject("difficulty", Integer.class));

    private static final RowMapper<TaskRow> TASK = (rs, n) -> new TaskRow(rs.getInt("slot"), rs.getInt("round"),
            rs.getInt("difficulty"), rs.getObject("estimate", Integer.class), rs.getString("statement"),
            rs.getString("files") == null ? Map.of()
                    : JSON.readValue(rs.getString("files"), new TypeReference<Map<String, String>>() { }),
            rs.getString("validator"), rs.getString("reference"), rs.getBoolean("kept"), rs.getString("reason"),
            rs.getString("detail"), rs.getString("reference_answer"), rs.getLong("tokens"), rs.getLong("millis"),
            instant(rs, "created_at"), rs.getString("near_miss"), repairs(rs), rs.getString("seed"));

    private static final RowMapper<RolloutRow> ROLLOUT_ROW = (rs, n) -> new RolloutRow(rs.getInt("seq"),
            rs.getInt("slot"), rs.getInt("rollout"), rs.getInt("round"), rs.getInt("difficulty"),
            rs.getString("status"), rs.getString("task_id"), rs.getString("case_id"),
            rs.getObject("reward", Double.class), rs.getString("verdict"), rs.getString("validator_output"),
            rs.getString("lesson"), rs.getString("outcome"), rs.getString("detail"),
            rs.getObject("tokens", Long.class), rs.getObject("millis", Long.class), instant(rs, "finished_at"),
            rs.getString("plan"), rs.getString("trace"), rs.getString("answer"));

    /** The {@code repairs} column of a {@code sandbox_tasks} row. */
    static List<Repair> repairs(ResultSet rs) throws SQLException {
        String repairs = rs.getString("repairs");
        return repairs == null ? List.of() : JSON.readValue(repairs, new TypeReference<List<Repair>>() { });
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
