package dev.casebook.server.agent;

import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.server.llm.Models;
import dev.casebook.tools.Toolbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The M-MDP agent of DESIGN §2: select cases, plan, execute subtasks with tools, replan or answer, force an answer
 * when the planning rounds run out, write the episode to memory. Each step is its own class owning its prompt; this
 * class only sequences them and turns stops into outcomes.
 */
public final class CasebookAgent implements Agent {
    private static final Logger log = LoggerFactory.getLogger(CasebookAgent.class);

    private final CaseSelectionStep selection;
    private final PlanStep planner;
    private final ExecuteStep executor;
    private final AnswerStep answer;
    private final AgentMemory memory;
    private final AgentSettings settings;
    private final NotRemembered notRemembered;

    /** @param memory the case memory, or null when this server has none (every task then runs with memory off) */
    public CasebookAgent(Models models, Toolbox toolbox, AgentMemory memory, AgentSettings settings) {
        this(models, toolbox, memory, settings, NotRemembered.NONE);
    }

    /** @param notRemembered counts the episodes whose stop was not the agent's failure and so wrote no case */
    CasebookAgent(Models models, Toolbox toolbox, AgentMemory memory, AgentSettings settings,
            NotRemembered notRemembered) {
        this.memory = memory;
        this.settings = settings;
        this.notRemembered = notRemembered;
        this.selection = new CaseSelectionStep(memory, settings.cases());
        this.executor = new ExecuteStep(models.executor(), toolbox, settings.maxToolResultChars(),
                settings.toolTimeout());
        this.planner = new PlanStep(models.planner(), settings.planRetries(), settings.maxSubtasks(),
                toolbox);
        this.answer = new AnswerStep(models.planner());
    }

    @Override
    public Outcome run(TaskSpec spec, StepListener listener) {
        Run run = new Run(spec, listener);
        Selection selected = Selection.NONE;
        List<String> plans = new ArrayList<>();
        try {
            selected = selection.select(run);
            List<Finding> findings = new ArrayList<>();
            Step.Answered answered = null;
            for (int iteration = 1; iteration <= spec.budgets().plannerIterations() && answered == null; iteration++) {
                PlannerDecision decision = iteration == 1 ? planner.plan(run, selected)
                        : planner.replan(run, iteration, String.join("\n", plans), findings);
                plans.add(decision.json());
                switch (decision) {
                    case PlannerDecision.Answer a -> answered = new Step.Answered(
                            FinalAnswer.ofPlannerAnswer(a.text()).orElseThrow(), a.text(), false, 0, 0);
                    case PlannerDecision.Subtasks s -> {
                        for (int i = 0; i < s.subtasks().size(); i++) {
                            findings.add(executor.execute(run, findings.size() + 1, s.subtasks().size(),
                                    s.subtasks().get(i), findings));
                        }
                    }
                }
            }
            if (answered == null) {
                run.emit(new Step.Stopped(StopReason.BUDGET_PLANNER_ITERATIONS, "the planner used all "
                        + spec.budgets().plannerIterations() + " planning rounds; forcing a final answer from the "
                        + findings.size() + " subtask result(s)", run.elapsedMillis()));
                answered = answer.answer(run, findings);
            }
            run.emit(answered);
            UUID caseId = remember(run, selected, String.join("\n", plans), answered.answer(),
                    settings.unratedReward());
            return new Outcome.Answered(answered.answer(), answered.forced(), caseId, selected.picks(), run.tokens(),
                    selected.state());
        } catch (Stop stop) {
            Outcome failed = stopped(run, selected, stop.reason(), stop.getMessage());
            rememberFailure(run, selected, String.join("\n", plans), stop.reason());
            return failed;
        } catch (InterruptedException e) {
            return stopped(run, selected, StopReason.CANCELLED, "the task was cancelled");
        } catch (RuntimeException e) {
            if (Thread.interrupted()) {
                return stopped(run, selected, StopReason.CANCELLED, "the task was cancelled");
            }
            log.error("task {} failed unexpectedly", spec.id(), e);
            return stopped(run, selected, StopReason.INTERNAL_ERROR, e.toString());
        }
    }

    private Outcome stopped(Run run, Selection selected, StopReason reason, String detail) {
        run.emit(new Step.Stopped(reason, detail, run.elapsedMillis()));
        return new Outcome.Failed(reason, detail, selected.picks(), run.tokens(), selected.state());
    }

    /**
     * The one place a failed episode is handed to case memory: only the agent's own failure
     * ({@link StopReason#agentAtFault()}) becomes a pitfall (reward 0); any other stop writes no case, and the task's
     * trace and {@link NotRemembered} say so.
     */
    private void rememberFailure(Run run, Selection selected, String plan, StopReason reason) {
        if (reason.agentAtFault()) {
            remember(run, selected, plan, "(no answer: " + reason.code() + ")", 0);
        } else if (writesMemory(run, selected)) {
            notRemembered.count(reason);
            run.emit(new Step.MemorySkipped(reason.code(), "no case was written: '" + reason.code() + "' says"
                    + " nothing about the agent's approach (only a judged answer or the agent's own failure becomes a"
                    + " case)", 0));
        }
    }

    /** True when this run writes its episode to memory: read-write memory, and the run was not interrupted. */
    private boolean writesMemory(Run run, Selection selected) {
        return memory != null && run.spec().memoryMode() == MemoryMode.READ_WRITE && selected.state() != null
                && !Thread.currentThread().isInterrupted();
    }

    /** The id of the case a task's episode is written as, derived from the task id. */
    public static UUID caseId(TaskSpec spec) {
        return UUID.nameUUIDFromBytes(("casebook-task:" + spec.id()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the episode as a case (read-write memory only), as case {@link #caseId} of the task: a task that runs
     * again after its server stopped rewrites that one case. Null when nothing was written; nothing is written once
     * the run was interrupted (cancelled, or its claim on the task was lost and it may run elsewhere).
     */
    private UUID remember(Run run, Selection selected, String plan, String answerText, double reward) {
        TaskSpec spec = run.spec();
        if (!writesMemory(run, selected)) {
            return null;
        }
        long started = System.nanoTime();
        try {
            List<UUID> ids = selected.cases().stream().map(SelectedCase::value).map(c -> c.id()).toList();
            MemoryWriter.Written written = memory.writer().remember(new MemoryWriter.Episode(spec.id(),
                    spec.tenant(), spec.text(), selected.state(), plan, answerText, reward, Rater.UNRATED,
                    spec.source(), spec.origin(), spec.banks().write(), ids), caseId(spec));
            run.emit(new Step.MemoryWritten(written.value().id(), written.updatedExisting(), written.credited(),
                    (System.nanoTime() - started) / 1_000_000));
            return written.value().id();
        } catch (RuntimeException e) {
            log.error("task {}: the episode could not be written to case memory", spec.id(), e);
            return null;
        }
    }
}
