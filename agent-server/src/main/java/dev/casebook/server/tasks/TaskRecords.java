package dev.casebook.server.tasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.TaskKey;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.Conversation;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.MemoryBanks;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.web.ApiException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run records of tasks: creation, the spec a replica rebuilds to run one, steps and the outcome of a claimed
 * run (fenced by its {@link Claim}), selected cases, feedback. Tenant-scoped reads. Claims themselves are
 * {@link TaskClaims}.
 */
@Component
public class TaskRecords {
    private final TaskRepository tasks;
    private final StepRepository steps;
    private final SelectedCaseRepository selected;
    private final ObjectMapper json;
    private final TaskSettings settings;
    private final AttachmentLookup attachments;
    /** For the writes of claimed runs and of recorded episodes, rows JPA never has to track. */
    private final JdbcTemplate jdbc;
    /** A transaction on the JDBC connection alone: a JPA one opens a Hibernate session, which cost more than the writes. */
    private final TransactionTemplate jdbcTransaction;

    TaskRecords(TaskRepository tasks, StepRepository steps, SelectedCaseRepository selected, ObjectMapper json,
            TaskSettings settings, JdbcTemplate jdbc, AttachmentLookup attachments) {
        this.attachments = attachments;
        this.tasks = tasks;
        this.steps = steps;
        this.selected = selected;
        this.json = json;
        this.settings = settings;
        this.jdbc = jdbc;
        this.jdbcTransaction = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    }

    /** Records the task as queued, for whichever instance has room first. */
    public void create(TaskSpec spec, List<String> attachmentIds) {
        insert(spec, attachmentIds, false);
    }

    /**
     * Records the task as claimed by this instance at once (attempt 1), so that no other instance claims it first;
     * for an instance that has a free slot when it receives the task.
     */
    public Claim createClaimed(TaskSpec spec, List<String> attachmentIds) {
        insert(spec, attachmentIds, true);
        return new Claim(spec.id(), settings.instanceId(), 1);
    }

    /** One statement (a repository's save would read the row first, inside a Hibernate session). */
    private void insert(TaskSpec spec, List<String> attachmentIds, boolean claimed) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.update("""
                INSERT INTO tasks (id, tenant, text, status, memory_mode, policy, budgets, attachments, origin,
                    exclude_origins, exclude_tasks, tokens, runner, attempt, lease_until, created_at, started_at,
                    source, conversation, bank, banks)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                spec.id(), spec.tenant(), spec.text(), (claimed ? TaskStatus.RUNNING : TaskStatus.QUEUED).name(),
                spec.memoryMode().wireName(), spec.policy(), json.writeValueAsString(spec.budgets()),
                json.writeValueAsString(attachmentIds), spec.origin(), json.writeValueAsString(spec.excludeOrigins()),
                json.writeValueAsString(spec.excludeTasks().stream().map(TaskKey::hex).toList()),
                settings.instanceId(), claimed ? 1 : 0, claimed ? now.plus(settings.lease()) : null, now,
                claimed ? now : null, spec.source().wireName(), conversation(spec),
                spec.banks().write(), json.writeValueAsString(spec.banks().read().stream().sorted().toList()));
    }

    /** The spec's conversation as JSON; null for a task on its own. */
    private String conversation(TaskSpec spec) {
        return spec.conversation().equals(Conversation.NONE) ? null : json.writeValueAsString(spec.conversation());
    }

    /**
     * The task's spec rebuilt from its record, as the instance that received it built it (any replica may run it);
     * attachments are found again by id, so replicas must share {@code casebook.attachments.dir}.
     */
    @Transactional(readOnly = true)
    public TaskSpec spec(String id) {
        TaskEntity e = tasks.findById(id).orElseThrow(() -> new IllegalStateException("no task '" + id + "'"));
        List<Path> files = new ArrayList<>();
        for (String attachment : json.readValue(e.attachments, String[].class)) {
            files.add(attachments.path(e.tenant, attachment).orElseThrow(() -> new IllegalStateException(
                    "attachment '" + attachment + "' of task '" + id + "' no longer exists")));
        }
        Set<TaskKey> excludeTasks = new HashSet<>();
        for (String hex : json.readValue(e.excludeTasks, String[].class)) {
            excludeTasks.add(new TaskKey(hex));
        }
        return TaskSpec.of(e.id, e.tenant, e.text).withAttachments(files)
                .withMemoryMode(MemoryMode.parse(e.memoryMode)).withPolicy(e.policy)
                .withBudgets(json.readValue(e.budgets, Budgets.class)).withOrigin(e.origin)
                .withExcludeOrigins(Set.of(json.readValue(e.excludeOrigins, String[].class)))
                .withExcludeTasks(excludeTasks).withSource(CaseSource.parse(e.source))
                .withConversation(e.conversation == null ? Conversation.NONE
                        : json.readValue(e.conversation, Conversation.class))
                .withBanks(new MemoryBanks(e.bank, Set.of(json.readValue(e.banks, String[].class))));
    }

    /**
     * Records a step of the claimed run, with the cases it selected (replacing those of an earlier attempt); false,
     * and nothing written, when the claim no longer stands. The insert locks the task row, so it cannot interleave
     * with the claim being taken back.
     */
    public boolean appendStep(Claim claim, int seq, Step step) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Boolean.TRUE.equals(jdbcTransaction.execute(status -> {
            boolean kept = jdbc.update("""
                    INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                    SELECT id, ?, ?, ?, ?, ?, ?, ? FROM tasks
                    WHERE id = ? AND runner = ? AND attempt = ? AND status = 'RUNNING' FOR UPDATE""",
                    seq, StepJson.type(step), step.phase(), StepJson.payload(json, step), step.tokens(),
                    step.millis(), now, claim.taskId(), claim.runner(), claim.attempt()) == 1;
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

    /** The task's last step number (0 when it has none). */
    public int lastSeq(String taskId) {
        return steps.lastSeq(taskId);
    }

    /**
     * A whole episode that ran outside the task runner (an evaluation item) recorded at once, in one transaction: the
     * task in its final state, its steps numbered from 1 as the task runner numbers them, and the cases it selected.
     * Three statements in a transaction of the JDBC connection alone: through the repositories (create, start, a
     * merge per step, finish, and the Hibernate session a JPA transaction opens) it was the largest part of an
     * evaluation item's CPU in the server (docs/evaluation.md, Benchmark).
     */
    public void recordEpisode(TaskSpec spec, List<Step> episode, Outcome outcome) {
        recordEpisode(spec, episode, outcome, null);
    }

    /**
     * As {@link #recordEpisode(TaskSpec, List, Outcome)}, with the reward the episode already has (a dream rollout's,
     * from the experience model) recorded as feedback would be: on the task, and as its last step. Null for none.
     */
    public void recordEpisode(TaskSpec spec, List<Step> episode, Outcome outcome, Step.Rewarded reward) {
        End end = End.of(outcome);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> stepRows = new ArrayList<>();
        List<Object[]> pickRows = new ArrayList<>();
        List<Step> steps = new ArrayList<>(episode);
        if (reward != null) {
            steps.add(reward);
        }
        for (Step step : steps) {
            stepRows.add(new Object[] {spec.id(), stepRows.size() + 1, StepJson.type(step), step.phase(),
                    StepJson.payload(json, step), step.tokens(), step.millis(), now});
            if (step instanceof Step.CasesSelected cs) {
                for (Step.CasesSelected.Pick p : cs.picks()) {
                    pickRows.add(new Object[] {spec.id(), pickRows.size(), p.caseId().toString(), p.score(),
                            p.role(), p.task(), p.label(), p.uses(), p.successes()});
                }
            }
        }
        String budgets = json.writeValueAsString(spec.budgets());
        jdbcTransaction.executeWithoutResult(status -> {
            // an episode recorded again under its id (a batch item run again, BatchExecutor.itemTaskId) replaces the
            // earlier record; its steps and selections go with it (ON DELETE CASCADE)
            jdbc.update("DELETE FROM tasks WHERE id = ? AND tenant = ?", spec.id(), spec.tenant());
            jdbc.update("""
                    INSERT INTO tasks (id, tenant, text, status, memory_mode, policy, budgets, attachments, answer,
                        reason, detail, tokens, case_id, runner, attempt, created_at, started_at, finished_at, source,
                        reward, reward_by, feedback_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)""",
                    spec.id(), spec.tenant(), spec.text(), end.status().name(), spec.memoryMode().wireName(),
                    spec.policy(), budgets, end.answer(), end.reason(), end.detail(), end.tokens(), end.caseId(),
                    settings.instanceId(), now, now, now, spec.source().wireName(),
                    reward == null ? null : reward.reward(), reward == null ? null : reward.by(),
                    reward == null ? null : now);
            jdbc.batchUpdate("""
                    INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", stepRows);
            jdbc.batchUpdate("""
                    INSERT INTO task_selected_cases (task_id, position, case_id, score, role, task, label, uses,
                        successes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", pickRows);
        });
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
    @Transactional
    public boolean cancelQueued(String id) {
        return tasks.finish(id, Set.of(TaskStatus.QUEUED), TaskStatus.CANCELLED, null, "cancelled",
                "cancelled while queued", 0, null, Instant.now()) == 1;
    }

    /** Stores a feedback reward; false when the task already has one. */
    @Transactional
    public boolean feedback(String tenant, String id, double reward, String by) {
        if (tasks.feedback(id, tenant, reward, by, Instant.now()) != 1) {
            return false;
        }
        Step step = new Step.Rewarded(reward, by, 0, 0);
        steps.save(new StepEntity(id, steps.lastSeq(id) + 1, StepJson.type(step), step.phase(),
                StepJson.payload(json, step), step.tokens(), step.millis(), Instant.now()));
        return true;
    }

    @Transactional(readOnly = true)
    public Optional<TaskView> find(String tenant, String id) {
        return tasks.findByIdAndTenant(id, tenant).map(this::view);
    }

    /** The task, or a 404 naming it; tasks of other tenants are not found either. */
    public TaskView get(String tenant, String id) {
        return find(tenant, id).orElseThrow(() -> ApiException.notFound("task", id));
    }

    /**
     * The cases selected for a task as {@link MemoryFeedback} credits them: with the label and counts they had when
     * they were selected (none for rows recorded before those were kept).
     */
    @Transactional(readOnly = true)
    public List<MemoryFeedback.Credit> credits(String taskId) {
        return selected.findByTaskIdOrderByPosition(taskId).stream()
                .map(s -> new MemoryFeedback.Credit(s.caseId, s.score, s.role, s.label, s.uses, s.successes))
                .toList();
    }

    @Transactional(readOnly = true)
    /** A page of the tenant's tasks, newest first; {@code status} and {@code source} null for any. */
    public TaskPage list(String tenant, TaskStatus status, CaseSource source, int page, int size) {
        PageRequest request = PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt"));
        Page<TaskEntity> result;
        if (source == null) {
            result = status == null ? tasks.findByTenant(tenant, request)
                    : tasks.findByTenantAndStatus(tenant, status, request);
        } else {
            result = status == null ? tasks.findByTenantAndSource(tenant, source.wireName(), request)
                    : tasks.findByTenantAndStatusAndSource(tenant, status, source.wireName(), request);
        }
        return new TaskPage(result.getContent().stream().map(this::view).toList(), page, size,
                result.getTotalElements());
    }

    @Transactional(readOnly = true)
    public List<Object> steps(String taskId, int afterSeq) {
        List<Object> out = new ArrayList<>();
        for (StepEntity e : steps.findByTaskIdAndSeqGreaterThanOrderBySeq(taskId, afterSeq)) {
            out.add(StepJson.view(json, e));
        }
        return out;
    }

    ObjectNode stepView(String taskId, int seq, Step step) {
        return StepJson.view(json, new StepEntity(taskId, seq, StepJson.type(step), step.phase(),
                StepJson.payload(json, step), step.tokens(), step.millis(), Instant.now()));
    }

    private TaskView view(TaskEntity e) {
        List<TaskView.Selected> picks = selected.findByTaskIdOrderByPosition(e.id).stream()
                .map(s -> new TaskView.Selected(s.caseId, s.score, s.role, s.task, s.label)).toList();
        return new TaskView(e.id, e.text, e.status.wireName(), e.answer, e.reason, e.detail, e.reward, e.rewardBy,
                e.tokens, e.caseId, picks, e.createdAt, e.startedAt, e.finishedAt, e.memoryMode, e.policy,
                json.readValue(e.attachments, String[].class), e.source, e.attempt, e.cancelRequestedAt,
                steps.existsByTaskIdAndPayloadContaining(e.id, "\"tokensEstimated\":true"), e.bank,
                json.readValue(e.banks, String[].class));
    }

    /** Which of these ids are tasks of the tenant (evidence events name their episode; a task's page can be linked). */
    public Set<String> existing(String tenant, List<String> ids) {
        List<String> distinct = ids.stream().filter(id -> id != null && !id.isBlank()).distinct().limit(1000).toList();
        if (distinct.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(",", java.util.Collections.nCopies(distinct.size(), "?"));
        List<Object> args = new ArrayList<>();
        args.add(tenant);
        args.addAll(distinct);
        return Set.copyOf(jdbc.queryForList("select id from tasks where tenant = ? and id in (" + marks + ")",
                String.class, args.toArray()));
    }
}
