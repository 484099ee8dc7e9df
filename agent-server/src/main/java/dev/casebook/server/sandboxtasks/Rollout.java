package dev.casebook.server.sandboxtasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.TaskKey;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.lessons.Trace;
import dev.casebook.server.tasks.TaskStore;
import dev.casebook.tools.ToolInfrastructureException;
import dev.casebook.tools.Toolbox;
import dev.casebook.tools.code.CodeExecutionTool;
import dev.casebook.tools.code.Workspace;
import dev.casebook.tools.tasks.SandboxTask;
import dev.casebook.tools.tasks.TaskChecker;
import dev.casebook.tools.tasks.Verdict;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rollout of a kept task: a fresh workspace with the task's files, the real agent (planner and executor) whose
 * {@code execute_code} works in that workspace, then the validator on the workspace and the final answer: its verdict
 * is the reward (1 or 0). The rollout writes no case: it keeps its plan, trace and answer, and its task's
 * {@link RolloutGroup} decides the task's cases once every rollout ended. The episode is recorded as a task of source
 * {@code sandbox}, rewarded by {@code validator}, so its trace is read like any task's. Rollouts never see cases of their own task (its origin
 * and its text are excluded), so a task's success rate is the agent's, not a replay of an earlier rollout.
 */
final class Rollout {
    private static final Logger log = LoggerFactory.getLogger(Rollout.class);

    static final String TASK = """
            %s

            The execute_code tool works in this task's workspace, which %s. Files written there are kept between \
            calls; the workspace is checked when you give your final answer.""";


    private final AgentFactory agents;
    private final JobModels models;
    private final CodeExecutionTool code;
    private final TaskChecker checker;
    private final TaskStore tasks;
    private final Budgets budgets;
    private final int maxTraceChars;

    Rollout(AgentFactory agents, JobModels models, TaskSandbox sandbox, TaskStore tasks, Budgets budgets,
            int maxTraceChars) {
        this.agents = agents;
        this.models = models;
        this.code = sandbox.code();
        this.checker = sandbox.checker();
        this.tasks = tasks;
        this.budgets = budgets;
        this.maxTraceChars = maxTraceChars;
    }

    static String text(SandboxTask task) {
        String files = task.files().isEmpty() ? "starts empty" : "holds " + String.join(", ", task.files().keySet());
        return TASK.formatted(task.statement().strip(), files);
    }

    static String origin(String jobId, int slot) {
        return "sandbox-task:" + jobId + ":" + slot;
    }

    /** Runs the rollout; null when it was stopped before its end (nothing is recorded then). */
    SandboxTaskRecords.RolloutResult run(SandboxTaskRecords.Job job, SandboxTaskRecords.TaskRow row, int seq,
                                         BooleanSupplier stopped) throws InterruptedException {
        JobOptions settings = job.settings();
        SandboxTask task = row.task();
        String text = text(task);
        String taskId = UUID.randomUUID().toString();
        String origin = origin(job.id(), row.slot());
        long started = System.nanoTime();
        MemoryMode agentMode = settings.memoryMode() == MemoryMode.READ_WRITE ? MemoryMode.READ_ONLY : settings.memoryMode();
        TaskSpec spec = TaskSpec.of(taskId, job.tenant(), text).withMemoryMode(agentMode)
                .withPolicy(settings.policy()).withBudgets(budgets).withOrigin(origin)
                .withExcludeOrigins(Set.of(origin)).withExcludeTasks(Set.of(TaskKey.of(text)))
                .withSource(CaseSource.SANDBOX);
        // steps are kept here and recorded after the episode: an interrupt during a database write closes its connection
        List<Step> steps = new CopyOnWriteArrayList<>();
        Outcome outcome;
        Verdict verdict = null;
        try (Workspace workspace = checker.workspace(task)) {
            Agent agent = agents.withTools(models.agent(), tools -> bound(tools, workspace));
            outcome = agent.run(spec, steps::add);
            if (stopped.getAsBoolean()) {
                return null;
            }
            // an outcome that says nothing about the agent (StopReason.agentAtFault) is no evidence: no verdict, no reward
            if (outcome instanceof Outcome.Answered || ((Outcome.Failed) outcome).stopReason().agentAtFault()) {
                verdict = checker.validate(task, workspace.path(), answer(outcome));
            }
        } catch (ToolInfrastructureException e) {
            if (stopped.getAsBoolean()) {
                return null;
            }
            log.warn("sandbox task job {}: the sandbox failed in a rollout of slot {}", job.id(), row.slot(), e);
            return errored(taskId, "sandbox_error", e.getMessage(), 0, started);
        }
        Trace trace = Trace.of(steps, maxTraceChars);
        long tokens = outcome.tokens();
        if (verdict == null) {
            tasks.recordEpisode(recorded(spec, settings.memoryMode()), steps, outcome);
            return errored(taskId, reason(outcome), detail(outcome), tokens, started);
        }
        double reward = verdict.passed() ? 1.0 : 0.0;
        tasks.recordEpisode(recorded(spec, settings.memoryMode()), steps, outcome,
                new Step.Rewarded(reward, "validator", 0, 0));
        return new SandboxTaskRecords.RolloutResult(taskId, null, reward, verdict.wireName(), verdict.output(), null,
                reason(outcome), detail(outcome), tokens, millisSince(started), trace.plan(), trace.text(),
                answer(outcome));
    }

    /** The configured tools with the code tool working in the rollout's workspace. */
    private Toolbox bound(Toolbox tools, Workspace workspace) {
        CodeExecutionTool inWorkspace = code.inWorkspace(workspace.path());
        return new Toolbox(tools.tools().stream()
                .map(tool -> tool.name().equals(CodeExecutionTool.NAME) ? inWorkspace : tool).toList());
    }

    /** The task as its record shows it: with the job's memory mode (the agent itself only reads the memory). */
    private static TaskSpec recorded(TaskSpec spec, MemoryMode mode) {
        return spec.withMemoryMode(mode);
    }

    private SandboxTaskRecords.RolloutResult errored(String taskId, String outcome, String detail, long tokens,
                                                     long started) {
        return new SandboxTaskRecords.RolloutResult(taskId, null, null, "error", null, null, outcome, detail, tokens,
                millisSince(started));
    }

    static String answer(Outcome outcome) {
        return outcome instanceof Outcome.Answered a ? a.answer() : "";
    }

    private static String reason(Outcome outcome) {
        return outcome instanceof Outcome.Failed f ? f.reason() : "answered";
    }

    private static String detail(Outcome outcome) {
        return outcome instanceof Outcome.Failed f ? f.detail() : null;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
