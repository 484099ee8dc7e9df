package dev.casebook.server.tasks;

import dev.casebook.memory.TaskKey;
import dev.casebook.server.agent.Conversation;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The write side of the run records of tasks ({@code tasks}, {@code task_steps}, {@code task_selected_cases}), in
 * plain SQL that PostgreSQL and H2 both run: creation, the steps and the outcome of a claimed run (fenced by its
 * {@link Claim}: nothing is written once the claim no longer stands), whole episodes recorded at once, cancels of
 * queued tasks, feedback. Statements that belong together run in one transaction of the JDBC connection. Claims
 * themselves are {@link TaskClaims}'s; the reads {@link TaskQueries}'.
 */
@Component
public class TaskStore {
    private final ObjectMapper json;
    private final TaskSettings settings;
    private final JdbcTemplate jdbc;
    /** A transaction on the JDBC connection alone: a JPA one opens a Hibernate session, which cost more than the writes. */
    private final TransactionTemplate jdbcTransaction;

    TaskStore(ObjectMapper json, TaskSettings settings, JdbcTemplate jdbc) {
        this.json = json;
        this.settings = settings;
        this.jdbc = jdbc;
        this.jdbcTransaction = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    }

    /** Records the task as queued, for whichever instance has room first; the task as recorded. */
    public TaskView create(TaskSpec spec, List<String> attachmentIds) {
        return insert(spec, attachmentIds, false);
    }

    /**
     * Records the task as claimed by this instance at once (attempt 1), so that no other instance claims it first;
     * for an instance that has a free slot when it receives the task.
     */
    Created createClaimed(TaskSpec spec, List<String> attachmentIds) {
        return new Created(new Claim(spec.id(), settings.instanceId(), 1), insert(spec, attachmentIds, true));
    }

    /** A task just recorded as claimed: its claim, and the task as {@link TaskQueries#get} would read it then. */
    record Created(Claim claim, TaskView view) {
    }

    /**
     * The one statement that creates a task, queued or claimed; the task's view made from what it wrote (the time
     * to the microsecond the databases keep), so that the submitter need not read it back.
     */
    private TaskView insert(TaskSpec spec, List<String> attachmentIds, boolean claimed) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        TaskStatus status = claimed ? TaskStatus.RUNNING : TaskStatus.QUEUED;
        List<String> banks = spec.banks().read().stream().sorted().toList();
        int attempt = claimed ? 1 : 0;
        jdbc.update("""
                INSERT INTO tasks (id, tenant, text, status, memory_mode, policy, budgets, attachments, origin,
                    exclude_origins, exclude_tasks, tokens, runner, attempt, lease_until, created_at, started_at,
                    source, conversation, bank, banks)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                spec.id(), spec.tenant(), spec.text(), status.name(), spec.memoryMode().wireName(), spec.policy(),
                json.writeValueAsString(spec.budgets()), json.writeValueAsString(attachmentIds), spec.origin(),
                json.writeValueAsString(spec.excludeOrigins()),
                json.writeValueAsString(spec.excludeTasks().stream().map(TaskKey::hex).toList()),
                settings.instanceId(), attempt, claimed ? now.plus(settings.lease()) : null, now,
                claimed ? now : null, spec.source().wireName(), conversation(spec), spec.banks().write(),
                json.writeValueAsString(banks));
        Instant created = now.toInstant();
        return new TaskView(spec.id(), spec.text(), status.wireName(), null, null, null, null, null, 0, null,
                List.of(), created, claimed ? created : null, null, spec.memoryMode().wireName(), spec.policy(),
                attachmentIds.toArray(String[]::new), spec.source().wireName(), attempt, null, false,
                spec.banks().write(), banks.toArray(String[]::new));
    }

    /** The spec's conversation as JSON; null for a task on its own. */
    private String conversation(TaskSpec spec) {
        return spec.conversation().equals(Conversation.NONE) ? null : json.writeValueAsString(spec.conversation());
    }

    /**
     * Records a step of the claimed run, with the cases it selected (replacing those of an earlier attempt); false,
     * and nothing written, when the claim no longer stands. The insert locks the task row, so it cannot interleave
     * with the claim being taken back.
     */
    public boolean appendStep(Claim claim, int seq, Step step) {
        return append(claim, seq, step, StepJson.payload(json, step));
    }

    /**
     * As {@link #appendStep}, serialising the step once for its record and its live event: the step as the API
     * shows it, or null (nothing written) when the claim no longer stands.
     */
    ObjectNode appendStepForFeed(Claim claim, int seq, Step step) {
        ObjectNode fields = json.valueToTree(step);
        if (!append(claim, seq, step, json.writeValueAsString(fields))) {
            return null;
        }
        return StepJson.view(fields, seq, StepJson.type(step), step.phase(), step.tokens(), step.millis(),
                Instant.now());
    }

    /**
     * The step's insert locks the task row and is fenced by the claim in one statement, so a plain step (the most of
     * them) is written without a transaction of its own; a step that also writes selected cases or marks the task's
     * tokens as estimated runs its statements in one.
     */
    private boolean append(Claim claim, int seq, Step step, String payload) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        boolean estimated = StepJson.estimated(payload);
        if (!estimated && !(step instanceof Step.CasesSelected)) {
            return insertStep(claim, seq, step, payload, now);
        }
        return Boolean.TRUE.equals(jdbcTransaction.execute(status -> {
            boolean kept = insertStep(claim, seq, step, payload, now);
            if (kept && estimated) {
                jdbc.update("UPDATE tasks SET tokens_estimated = TRUE WHERE id = ?", claim.taskId());
            }
            if (kept && step instanceof Step.CasesSelected cs) {
                jdbc.update("DELETE FROM task_selected_cases WHERE task_id = ?", claim.taskId());
                List<Object[]> picks = new ArrayList<>();
                for (Step.CasesSelected.Pick p : cs.picks()) {
                    picks.add(new Object[] {claim.taskId(), picks.size(), p.caseId().toString(), p.score(),
                            p.role(), p.task(), p.label(), p.uses(), p.successes()});
                }
                jdbc.batchUpdate("""
                        INSERT INTO task_selected_cases (task_id, position, case_id, score, role, task, label, uses,
                            successes)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", picks);
            }
            return kept;
        }));
    }

    /** The step's row, written only while the claim stands; true when it was. */
    private boolean insertStep(Claim claim, int seq, Step step, String payload, OffsetDateTime now) {
        return jdbc.update("""
                INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                SELECT id, ?, ?, ?, ?, ?, ?, ? FROM tasks
                WHERE id = ? AND runner = ? AND attempt = ? AND status = 'RUNNING' FOR UPDATE""",
                seq, StepJson.type(step), step.phase(), payload, step.tokens(), step.millis(), now, claim.taskId(),
                claim.runner(), claim.attempt()) == 1;
    }

    /**
     * A whole episode that ran outside the task runner (an evaluation item) recorded at once, in one transaction: the
     * task in its final state, its steps numbered from 1 as the task runner numbers them, and the cases it selected.
     * Three statements in a transaction of the JDBC connection alone: through the repositories (create, start, a
     * merge per step, finish, and the Hibernate session a JPA transaction opens) it was the largest part of an
     * evaluation item's CPU in the server (docs/evaluation.md, Benchmark).
     *
     * @return true when some of the episode's tokens were estimated (an endpoint sent no usage): what the task's
     *     {@code tokensEstimated} says
     */
    public boolean recordEpisode(TaskSpec spec, List<Step> episode, Outcome outcome) {
        return recordEpisode(spec, episode, outcome, null);
    }

    /**
     * As {@link #recordEpisode(TaskSpec, List, Outcome)}, with the reward the episode already has (a dream rollout's,
     * from the experience model) recorded as feedback would be: on the task, and as its last step. Null for none.
     */
    public boolean recordEpisode(TaskSpec spec, List<Step> episode, Outcome outcome, Step.Rewarded reward) {
        End end = End.of(outcome);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> stepRows = new ArrayList<>();
        List<Object[]> pickRows = new ArrayList<>();
        List<Step> steps = new ArrayList<>(episode);
        if (reward != null) {
            steps.add(reward);
        }
        boolean estimated = false;
        for (Step step : steps) {
            String payload = StepJson.payload(json, step);
            estimated |= StepJson.estimated(payload);
            stepRows.add(new Object[] {spec.id(), stepRows.size() + 1, StepJson.type(step), step.phase(), payload,
                    step.tokens(), step.millis(), now});
            if (step instanceof Step.CasesSelected cs) {
                for (Step.CasesSelected.Pick p : cs.picks()) {
                    pickRows.add(new Object[] {spec.id(), pickRows.size(), p.caseId().toString(), p.score(),
                            p.role(), p.task(), p.label(), p.uses(), p.successes()});
                }
            }
        }
        String budgets = json.writeValueAsString(spec.budgets());
        boolean tokensEstimated = estimated;
        jdbcTransaction.executeWithoutResult(status -> {
            // an episode recorded again under its id (a batch item run again, BatchExecutor.itemTaskId) replaces the
            // earlier record; its steps and selections go with it (ON DELETE CASCADE)
            jdbc.update("DELETE FROM tasks WHERE id = ? AND tenant = ?", spec.id(), spec.tenant());
            jdbc.update("""
                    INSERT INTO tasks (id, tenant, text, status, memory_mode, policy, budgets, attachments, answer,
                        reason, detail, tokens, case_id, runner, attempt, created_at, started_at, finished_at, source,
                        reward, reward_by, feedback_at, tokens_estimated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    spec.id(), spec.tenant(), spec.text(), end.status().name(), spec.memoryMode().wireName(),
                    spec.policy(), budgets, end.answer(), end.reason(), end.detail(), end.tokens(), end.caseId(),
                    settings.instanceId(), now, now, now, spec.source().wireName(),
                    reward == null ? null : reward.reward(), reward == null ? null : reward.by(),
                    reward == null ? null : now, tokensEstimated);
            jdbc.batchUpdate("""
                    INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", stepRows);
            jdbc.batchUpdate("""
                    INSERT INTO task_selected_cases (task_id, position, case_id, score, role, task, label, uses,
                        successes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", pickRows);
        });
        return tokensEstimated;
    }

    /**
     * Running → answered / failed / cancelled, from the agent's outcome; false, and nothing written, when the claim
     * no longer stands (the task was taken back and may run elsewhere).
     */
    public boolean finish(Claim claim, Outcome outcome) {
        End end = End.of(outcome);
        return jdbc.update("""
                UPDATE tasks SET status = ?, answer = ?, reason = ?, detail = ?, tokens = ?, case_id = ?,
                    finished_at = ?, lease_until = NULL
                WHERE id = ? AND runner = ? AND attempt = ? AND status = 'RUNNING'""",
                end.status().name(), end.answer(), end.reason(), end.detail(), end.tokens(), end.caseId(),
                OffsetDateTime.now(ZoneOffset.UTC), claim.taskId(), claim.runner(), claim.attempt()) == 1;
    }

    /** The status an outcome ends a task in. */
    static TaskStatus status(Outcome outcome) {
        return End.of(outcome).status();
    }

    /** How an outcome ends a task's record. */
    private record End(TaskStatus status, String answer, String reason, String detail, long tokens, String caseId) {
        static End of(Outcome outcome) {
            return switch (outcome) {
                case Outcome.Answered a -> new End(TaskStatus.ANSWERED, a.answer(), null, null, a.tokens(),
                        a.caseId() == null ? null : a.caseId().toString());
                case Outcome.Failed f -> new End("cancelled".equals(f.reason()) ? TaskStatus.CANCELLED
                        : TaskStatus.FAILED, null, f.reason(), f.detail(), f.tokens(), null);
            };
        }
    }

    /** Queued → cancelled; false when the task had already started or ended. */
    public boolean cancelQueued(String id) {
        return jdbc.update("""
                UPDATE tasks SET status = ?, answer = NULL, reason = 'cancelled', detail = 'cancelled while queued',
                    tokens = 0, case_id = NULL, finished_at = ?
                WHERE id = ? AND status = ?""", TaskStatus.CANCELLED.name(), OffsetDateTime.now(ZoneOffset.UTC), id,
                TaskStatus.QUEUED.name()) == 1;
    }

    /**
     * Stores a feedback reward, on the task and as its last step; false, and nothing written, when the task already
     * has one. The update locks the task row, so the step's number cannot collide with another write's.
     */
    public boolean feedback(String tenant, String id, double reward, String by) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Step step = new Step.Rewarded(reward, by, 0, 0);
        return Boolean.TRUE.equals(jdbcTransaction.execute(status -> {
            if (jdbc.update("""
                    UPDATE tasks SET reward = ?, reward_by = ?, feedback_at = ?
                    WHERE id = ? AND tenant = ? AND feedback_at IS NULL""", reward, by, now, id, tenant) != 1) {
                return false;
            }
            jdbc.update("""
                    INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                    SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM task_steps WHERE task_id = ?""",
                    id, StepJson.type(step), step.phase(), StepJson.payload(json, step), step.tokens(), step.millis(),
                    now, id);
            return true;
        }));
    }
}
