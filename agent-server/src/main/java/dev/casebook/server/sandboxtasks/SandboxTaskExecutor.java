package dev.casebook.server.sandboxtasks;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.server.lessons.FailureAnalysis;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.tasks.TaskQueries;
import dev.casebook.server.tasks.TaskStore;
import dev.casebook.tools.ToolInfrastructureException;
import dev.casebook.tools.tasks.SandboxTask;
import dev.casebook.tools.tasks.Verification;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
                   TaskStore tasks, TaskQueries queries, RolloutMemory memory, SandboxTaskSettings settings, TaskNovelty novelty) {
    }

    private final Context context;
    private volatile SandboxTaskRecords.Job job;
    private volatile Curriculum curriculum;
    private volatile TaskGenerator generator;
    private volatile Rollout rollout;
    private volatile RolloutGroup group;

    SandboxTaskExecutor(String jobId, Context context, String instance, Clock clock) {
        super("sandbox task job", jobId, context.records().tables(), instance, clock);
        this.context = context;
    }

    @Override
    protected String exhausted() {
        return TokenBudget.spent(job.settings().maxTokens(), () -> JobProgress.tokensSpent(context.records().counts().itemCounts(runId)), "job",
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
        rollout = new Rollout(context.agents(), models, context.sandbox(), context.tasks(),
                new Budgets(defaults.plannerIterations(), defaults.executorSteps(), defaults.maxTokens(),
                        settings.rolloutTime()), settings.maxTraceChars());
        group = new RolloutGroup(new FailureAnalysis(models.analyst(), settings.callTimeout()),
                new Triage(models.analyst(), settings.generationAttempts(), settings.callTimeout()), context.memory(),
                context.queries());
        return job.settings().concurrency();
    }

    @Override
    protected List<SandboxTaskRecords.Item> claim(int limit) {
        return context.records().claim(runId, instance, clock.instant(), limit);
    }


    @Override
    protected void execute(SandboxTaskRecords.Item item) {
        boolean generation = SandboxTaskRecords.GENERATE.equals(item.kind());
        boolean grouping = SandboxTaskRecords.GROUP.equals(item.kind());
        long started = System.nanoTime();
        try {
            if (generation) {
                generate(item, started);
            } else if (grouping) {
                decide(item);
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
                if (grouping) {
                    context.records().finishGroup(runId, item, instance, new SandboxTaskRecords.GroupResult(
                            "internal_error", e.toString(), null, null, null, null, 0, 0, 0, millisSince(started)),
                            clock.instant());
                } else if (generation) {
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

    /**
     * Generation as validation: the generator's task is checked for novelty (a duplicate of a kept task of the job, or
     * a look-alike of an evaluation item, is discarded at once), then verified in the sandbox; a verification that
     * does not keep it goes back to the generator with the programs' output, up to the job's repair attempts.
     */
    private void generate(SandboxTaskRecords.Item item, long started) throws InterruptedException {
        SandboxTaskRecords records = context.records();
        int level = curriculum.next(records.rounds(runId, item.round()));
        List<TaskGenerator.Earlier> earlier = records.latestTasks(runId, EARLIER_TASKS_SHOWN).stream()
                .map(row -> new TaskGenerator.Earlier(row.statement(), row.kept() ? "kept"
                        : "discarded: " + firstLine(row.detail())))
                .toList();
        if (!job.settings().given().isEmpty()) {
            given(item, level, started);
            return;
        }
        JobOptions.Seed seed = job.settings().seed(item.slot());
        TaskGenerator.Session session = generator.open(job.settings().domain(), level, item.slot() + 1,
                job.settings().tasks(), earlier, seed == null ? null : SeedPrompt.of(seed, job.settings().harder()));
        TaskGenerator.Generated generated = session.first();
        List<SandboxTaskRecords.Repair> repairs = new ArrayList<>();
        SandboxTaskRecords.Generation result;
        while (true) {
            if (generated instanceof TaskGenerator.Generated.Unusable u) {
                result = new SandboxTaskRecords.Generation(level, null, false, u.reason(), u.detail(), null,
                        u.tokens(), millisSince(started), null, repairs, seed == null ? null : seed.task());
                break;
            }
            TaskGenerator.Generated.Proposed p = (TaskGenerator.Generated.Proposed) generated;
            Checked checked = novelty(item, p.task()).orElse(null);
            if (checked == null) {
                checked = verify(p.task(), p.nearMiss());
                if (checked == null) {
                    return; // the sandbox was interrupted by a stop: the item runs again
                }
            }
            if (checked.repairable() && repairs.size() < job.settings().repairAttempts()) {
                repairs.add(new SandboxTaskRecords.Repair(checked.reason(), checked.detail()));
                generated = session.repair(checked.reason(), checked.detail());
                continue;
            }
            result = new SandboxTaskRecords.Generation(level, p.task(), checked.kept(), checked.reason(),
                    checked.detail(), checked.referenceAnswer(), p.tokens(), millisSince(started), p.nearMiss(),
                    repairs, seed == null ? null : seed.task());
            break;
        }
        SandboxTaskRecords.Generation finished = result;
        record(item, finished.tokens(), () -> records.finishGeneration(job, item, instance, finished,
                clock.instant()));
    }

    /** A frozen task of the job: verified, never checked for novelty nor repaired (there is no generator). */
    private void given(SandboxTaskRecords.Item item, int level, long started) {
        TaskJson.Parsed parsed;
        try {
            parsed = TaskJson.parse(TaskJson.JSON.writeValueAsString(job.settings().given().get(item.slot())));
        } catch (TaskJson.Invalid e) {
            throw new IllegalStateException("given task " + item.slot() + " was checked when the job was created: "
                    + e.getMessage());
        }
        Checked checked = verify(parsed.task(), parsed.nearMiss());
        if (checked == null) {
            return;
        }
        SandboxTaskRecords.Generation result = new SandboxTaskRecords.Generation(level, parsed.task(), checked.kept(),
                checked.reason(), checked.detail(), checked.referenceAnswer(), 0, millisSince(started),
                parsed.nearMiss(), List.of(), null);
        record(item, result.tokens(), () -> context.records().finishGeneration(job, item, instance, result,
                clock.instant()));
    }

    /**
     * What the checks said of a proposed task: kept (with the reference's answer), or discarded for a reason; only a
     * verification's reasons ({@link Verification#REASONS}) are sent back to the generator for repair.
     */
    private record Checked(boolean kept, String reason, String detail, String referenceAnswer, boolean repairable) {
        static Checked of(Verification verification) {
            return switch (verification) {
                case Verification.Kept kept -> new Checked(true, null, null, kept.referenceAnswer(), false);
                case Verification.Discarded d -> new Checked(false, d.reason(), d.detail(), null, true);
            };
        }
    }

    /** A duplicate of a kept task of the job or a look-alike of an evaluation item: discarded, never repaired. */
    private Optional<Checked> novelty(SandboxTaskRecords.Item item, SandboxTask task) {
        SandboxTaskSettings settings = context.settings();
        return context.novelty().check(job.tenant(), runId, item.slot(), task.statement(),
                        job.settings().dedupe() ? settings.duplicateThreshold() : Double.POSITIVE_INFINITY,
                        settings.contaminationThreshold())
                .map(d -> new Checked(false, d.reason(), d.detail(), null, false));
    }

    /** The verification; {@code sandbox_error} when the sandbox failed; null when a stop interrupted it. */
    private Checked verify(SandboxTask task, String nearMiss) {
        try {
            return Checked.of(context.sandbox().checker().verify(task, nearMiss));
        } catch (ToolInfrastructureException e) {
            if (stopped()) {
                return null;
            }
            log.warn("sandbox task job {}: the sandbox failed while verifying a task", runId, e);
            return new Checked(false, "sandbox_error", e.getMessage(), null, false);
        }
    }

    private void roll(SandboxTaskRecords.Item item) throws InterruptedException {
        SandboxTaskRecords.TaskRow row = context.records().task(runId, item.slot()).orElseThrow(
                () -> new IllegalStateException("rollout " + item.seq() + " has no task in slot " + item.slot()));
        SandboxTaskRecords.RolloutResult result = rollout.run(job, row, item.seq(), this::stopped);
        if (result != null) {
            record(item, result.tokens(), () -> context.records().finishRollout(runId, item.seq(), instance, result,
                    clock.instant()));
        }
    }

    /** Decides the cases of a kept task whose rollouts all ended ({@link RolloutGroup}). */
    private void decide(SandboxTaskRecords.Item item) throws InterruptedException {
        SandboxTaskRecords.TaskRow row = context.records().task(runId, item.slot()).orElseThrow(
                () -> new IllegalStateException("group " + item.seq() + " has no task in slot " + item.slot()));
        SandboxTaskRecords.GroupResult result = group.decide(job, row, context.records().rollouts(runId,
                item.slot()), this::stopped);
        if (result != null) {
            record(item, result.tokens(), () -> context.records().finishGroup(runId, item, instance, result,
                    clock.instant()));
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
