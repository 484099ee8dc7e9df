package dev.casebook.server.sandboxtasks;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.tasks.TaskRecords;
import dev.casebook.tools.ToolInfrastructureException;
import dev.casebook.tools.tasks.SandboxTask;
import dev.casebook.tools.tasks.Verification;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one sandbox task job on this instance ({@link BatchExecutor}: items claimed into free slots, each on a
 * virtual thread). A generation asks the generator for a task at the level the {@link Curriculum} gives the round,
 * verifies it in the sandbox and records it, kept or discarded, adding the kept task's rollouts; a rollout runs the
 * agent on the task ({@link Rollout}) and records its reward. A stopped executor records nothing more, so interrupted
 * items run again later and finished ones never do. An item that fails unexpectedly is recorded as an error
 * ({@code internal_error}), so the job still ends.
 */
final class SandboxTaskExecutor extends BatchExecutor<SandboxTaskRecords.Item> {
    private static final Logger log = LoggerFactory.getLogger(SandboxTaskExecutor.class);
    static final int EARLIER_TASKS_SHOWN = 10;

    /** What the executor works with; the same for every job of this instance. */
    record Context(SandboxTaskRecords records, TaskSandbox sandbox, AgentFactory agents, RunModels models,
                   TaskRecords tasks, RolloutMemory memory, SandboxTaskSettings settings) {
    }

    private final Context context;
    private volatile SandboxTaskRecords.Job job;
    private volatile Curriculum curriculum;
    private volatile TaskGenerator generator;
    private volatile Rollout rollout;

    SandboxTaskExecutor(String jobId, Context context, String instance, Clock clock) {
        super("sandbox task job", jobId, context.records().tables(), instance, clock);
        this.context = context;
    }

    @Override
    protected String exhausted() {
        return TokenBudget.spent(job.settings().maxTokens(), () -> JobProgress.tokensSpent(context.records().itemCounts(runId)), "job",
                ", generations, rollouts and analyses together");
    }

    @Override
    protected int prepare() {
        job = context.records().find(runId).orElseThrow();
        SandboxTaskSettings settings = context.settings();
        JobModels models = JobModels.of(context.models(), job.settings().models());
        curriculum = new Curriculum(job.settings().startDifficulty());
        generator = new TaskGenerator(models.generator(), settings.generationAttempts(), settings.callTimeout());
        Budgets defaults = Budgets.DEFAULT;
        rollout = new Rollout(context.agents(), models, context.sandbox(), context.tasks(), context.memory(),
                new FailureAnalysis(models.analyst(), settings.callTimeout()),
                new Budgets(defaults.plannerIterations(), defaults.executorSteps(), defaults.maxTokens(),
                        settings.rolloutTime()), settings.maxTraceChars());
        return job.settings().concurrency();
    }

    @Override
    protected List<SandboxTaskRecords.Item> claim(int limit) {
        return context.records().claim(runId, instance, clock.instant(), limit);
    }


    @Override
    protected void execute(SandboxTaskRecords.Item item) {
        boolean generation = SandboxTaskRecords.GENERATE.equals(item.kind());
        long started = System.nanoTime();
        try {
            if (generation) {
                generate(item, started);
            } else {
                roll(item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the claim is given back; the item runs again
        } catch (RuntimeException e) {
            if (stopped()) {
                return;
            }
            log.error("sandbox task job {}: item {} failed unexpectedly", runId, item.seq(), e);
            // as a generation or rollout that failed; when even that cannot be recorded, BatchExecutor ends the item
            record(item, () -> {
                if (generation) {
                    context.records().finishGeneration(job, item, instance, new SandboxTaskRecords.Generation(
                            item.difficulty() == null ? curriculum.start() : item.difficulty(), null, false,
                            "internal_error", e.toString(), null, 0, millisSince(started)), clock.instant());
                } else {
                    context.records().finishRollout(runId, item.seq(), instance, new SandboxTaskRecords.RolloutResult(
                            null, null, null, "error", null, null, "internal_error", e.toString(), 0,
                            millisSince(started)), clock.instant());
                }
            });
        }
    }

    private void generate(SandboxTaskRecords.Item item, long started) throws InterruptedException {
        SandboxTaskRecords records = context.records();
        int level = curriculum.next(records.rounds(runId, item.round()));
        List<TaskGenerator.Earlier> earlier = records.latestTasks(runId, EARLIER_TASKS_SHOWN).stream()
                .map(row -> new TaskGenerator.Earlier(row.statement(), row.kept() ? "kept"
                        : "discarded: " + firstLine(row.detail())))
                .toList();
        TaskGenerator.Generated generated = generator.generate(job.settings().domain(), level, item.slot() + 1,
                job.settings().tasks(), earlier);
        SandboxTaskRecords.Generation result = switch (generated) {
            case TaskGenerator.Generated.Unusable u -> new SandboxTaskRecords.Generation(level, null, false,
                    u.reason(), u.detail(), null, u.tokens(), millisSince(started));
            case TaskGenerator.Generated.Proposed p -> verify(p.task(), level, p.tokens(), started);
        };
        if (result != null) {
            record(item, () -> records.finishGeneration(job, item, instance, result, clock.instant()));
        }
    }

    /** The verified task; null when the sandbox was interrupted by a stop. */
    private SandboxTaskRecords.Generation verify(SandboxTask task, int level, long tokens, long started) {
        Verification verification;
        try {
            verification = context.sandbox().checker().verify(task);
        } catch (ToolInfrastructureException e) {
            if (stopped()) {
                return null;
            }
            log.warn("sandbox task job {}: the sandbox failed while verifying a task", runId, e);
            return new SandboxTaskRecords.Generation(level, task, false, "sandbox_error", e.getMessage(), null, tokens,
                    millisSince(started));
        }
        return switch (verification) {
            case Verification.Kept kept -> new SandboxTaskRecords.Generation(level, task, true, null, null,
                    kept.referenceAnswer(), tokens, millisSince(started));
            case Verification.Discarded d -> new SandboxTaskRecords.Generation(level, task, false, d.reason(),
                    d.detail(), null, tokens, millisSince(started));
        };
    }

    private void roll(SandboxTaskRecords.Item item) throws InterruptedException {
        SandboxTaskRecords.TaskRow row = context.records().task(runId, item.slot()).orElseThrow(
                () -> new IllegalStateException("rollout " + item.seq() + " has no task in slot " + item.slot()));
        SandboxTaskRecords.RolloutResult result = rollout.run(job, row, item.seq(), this::stopped);
        if (result != null) {
            record(item, () -> context.records().finishRollout(runId, item.seq(), instance, result, clock.instant()));
        }
    }

    private static String firstLine(String detail) {
        String line = detail == null ? "" : detail.lines().findFirst().orElse("").strip();
        line = line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
        return line.length() <= 150 ? line : line.substring(0, 150) + "...";
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
