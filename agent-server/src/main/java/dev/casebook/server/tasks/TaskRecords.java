package dev.casebook.server.tasks;

import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.web.ApiException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/** The run records of tasks: creation, status transitions, steps, selected cases, feedback. Tenant-scoped reads. */
@Component
public class TaskRecords {
    private static final Logger log = LoggerFactory.getLogger(TaskRecords.class);

    private final TaskRepository tasks;
    private final StepRepository steps;
    private final SelectedCaseRepository selected;
    private final ObjectMapper json;
    private final TaskSettings settings;
    /** For {@link #recordEpisode}, which writes rows JPA never had to track. */
    private final JdbcTemplate jdbc;
    /** A transaction on the JDBC connection alone: a JPA one opens a Hibernate session, which cost more than the writes. */
    private final TransactionTemplate jdbcTransaction;

    TaskRecords(TaskRepository tasks, StepRepository steps, SelectedCaseRepository selected, ObjectMapper json,
            TaskSettings settings, JdbcTemplate jdbc) {
        this.tasks = tasks;
        this.steps = steps;
        this.selected = selected;
        this.json = json;
        this.settings = settings;
        this.jdbc = jdbc;
        this.jdbcTransaction = new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
    }

    @EventListener(ApplicationReadyEvent.class)
    @Transactional
    public void failInterrupted() {
        int n = tasks.failInterrupted(settings.instanceId(), Instant.now());
        if (n > 0) {
            log.warn("{} task(s) were queued or running when instance '{}' last stopped; marked failed (interrupted)",
                    n, settings.instanceId());
        }
    }

    @Transactional
    public void create(TaskSpec spec, List<String> attachmentIds) {
        TaskEntity e = new TaskEntity();
        e.id = spec.id();
        e.tenant = spec.tenant();
        e.text = spec.text();
        e.status = TaskStatus.QUEUED;
        e.memoryMode = spec.memoryMode().wireName();
        e.policy = spec.policy();
        e.budgets = json.writeValueAsString(spec.budgets());
        e.attachments = json.writeValueAsString(attachmentIds);
        e.runner = settings.instanceId();
        e.createdAt = Instant.now();
        e.source = spec.source().wireName();
        tasks.save(e);
    }

    /** Queued → running; false when the task is no longer queued (cancelled before it started). */
    @Transactional
    public boolean start(String id) {
        return tasks.start(id, TaskStatus.QUEUED, TaskStatus.RUNNING, Instant.now()) == 1;
    }

    @Transactional
    public void appendStep(String taskId, int seq, Step step) {
        steps.save(new StepEntity(taskId, seq, StepJson.type(step), step.phase(), StepJson.payload(json, step),
                step.tokens(), step.millis(), Instant.now()));
        if (step instanceof Step.CasesSelected cs) {
            int position = 0;
            for (Step.CasesSelected.Pick p : cs.picks()) {
                selected.save(new SelectedCaseEntity(taskId, position++, p.caseId().toString(), p.score(), p.role(),
                        p.task(), p.label(), p.uses(), p.successes()));
            }
        }
    }

    /**
     * A whole episode that ran outside the task runner (an evaluation item) recorded at once, in one transaction: the
     * task in its final state, its steps numbered from 1 as the task runner numbers them, and the cases it selected.
     * Three statements in a transaction of the JDBC connection alone: through the repositories (create, start, a
     * merge per step, finish, and the Hibernate session a JPA transaction opens) it was the largest part of an
     * evaluation item's CPU in the server (docs/evaluation.md, Benchmark).
     */
    public void recordEpisode(TaskSpec spec, List<Step> episode, Outcome outcome) {
        End end = End.of(outcome);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Object[]> stepRows = new ArrayList<>();
        List<Object[]> pickRows = new ArrayList<>();
        for (Step step : episode) {
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
            jdbc.update("""
                    INSERT INTO tasks (id, tenant, text, status, memory_mode, policy, budgets, attachments, answer,
                        reason, detail, tokens, case_id, runner, created_at, started_at, finished_at, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    spec.id(), spec.tenant(), spec.text(), end.status().name(), spec.memoryMode().wireName(),
                    spec.policy(), budgets, end.answer(), end.reason(), end.detail(), end.tokens(), end.caseId(),
                    settings.instanceId(), now, now, now, spec.source().wireName());
            jdbc.batchUpdate("""
                    INSERT INTO task_steps (task_id, seq, type, phase, payload, tokens, millis, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""", stepRows);
            jdbc.batchUpdate("""
                    INSERT INTO task_selected_cases (task_id, position, case_id, score, role, task, label, uses,
                        successes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", pickRows);
        });
    }

    /** Running (or queued) → answered / failed / cancelled, from the agent's outcome. */
    @Transactional
    public void finish(String id, Outcome outcome) {
        End end = End.of(outcome);
        tasks.finish(id, Set.of(TaskStatus.QUEUED, TaskStatus.RUNNING), end.status(), end.answer(), end.reason(),
                end.detail(), end.tokens(), end.caseId(), Instant.now());
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
                "cancelled before it started", 0, null, Instant.now()) == 1;
    }

    /** Stores a feedback reward; false when the task already has one. */
    @Transactional
    public boolean feedback(String tenant, String id, double reward, String by) {
        if (tasks.feedback(id, tenant, reward, by, Instant.now()) != 1) {
            return false;
        }
        appendStep(id, steps.lastSeq(id) + 1, new Step.Rewarded(reward, by, 0, 0));
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
    public TaskPage list(String tenant, TaskStatus status, int page, int size) {
        PageRequest request = PageRequest.of(page, size, Sort.by(Sort.Direction.DESC, "createdAt"));
        Page<TaskEntity> result = status == null ? tasks.findByTenant(tenant, request)
                : tasks.findByTenantAndStatus(tenant, status, request);
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

    Object stepView(String taskId, int seq, Step step) {
        return StepJson.view(json, new StepEntity(taskId, seq, StepJson.type(step), step.phase(),
                StepJson.payload(json, step), step.tokens(), step.millis(), Instant.now()));
    }

    private TaskView view(TaskEntity e) {
        List<TaskView.Selected> picks = selected.findByTaskIdOrderByPosition(e.id).stream()
                .map(s -> new TaskView.Selected(s.caseId, s.score, s.role, s.task, s.label)).toList();
        return new TaskView(e.id, e.text, e.status.wireName(), e.answer, e.reason, e.detail, e.reward, e.rewardBy,
                e.tokens, e.caseId, picks, e.createdAt, e.startedAt, e.finishedAt, e.memoryMode, e.policy,
                json.readValue(e.attachments, String[].class), e.source);
    }
}
