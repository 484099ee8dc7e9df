package dev.casebook.server.sandboxtasks;

import dev.casebook.server.lessons.FailureAnalysis;
import dev.casebook.server.tasks.TaskQueries;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Decides a kept task's cases once, after all its rollouts ended (the task's {@code group} item, whose epoch comes
 * after theirs, so concurrent rollouts never race for the task's cases):
 * <ul>
 *   <li>some passed, some failed: the failure analysis is shown the best passing and the first failing rollout
 *       ({@link FailureAnalysis}); a positive case and a negative case with the lesson
 *       ({@code positive_and_negative});</li>
 *   <li>all passed: a positive case ({@code positive});</li>
 *   <li>all failed: the {@link Triage} decides. {@code agent_mistake}: the failure analysis is shown the reference
 *       solution and the first failing rollout, and a negative case is written ({@code negative});
 *       {@code task_defect}: the task is discarded and no case is written ({@code task_defect}); no verdict:
 *       nothing is written ({@code undecided});</li>
 *   <li>no rollout has a verdict (all failed for reasons outside the agent): nothing ({@code no_evidence}).</li>
 * </ul>
 * The best passing rollout is the cheapest in tokens (the earliest of equals). The cases are written by
 * {@link RolloutMemory} in read-write jobs; the decision, its lesson and its counts are recorded in every mode.
 */
final class RolloutGroup {
    static final String POSITIVE = "positive";
    static final String POSITIVE_AND_NEGATIVE = "positive_and_negative";
    static final String NEGATIVE = "negative";
    static final String TASK_DEFECT = Triage.TASK_DEFECT;
    static final String UNDECIDED = "undecided";
    static final String NO_EVIDENCE = "no_evidence";

    private final FailureAnalysis analysis;
    private final Triage triage;
    private final RolloutMemory memory;
    private final TaskQueries tasks;

    RolloutGroup(FailureAnalysis analysis, Triage triage, RolloutMemory memory, TaskQueries tasks) {
        this.analysis = analysis;
        this.triage = triage;
        this.memory = memory;
        this.tasks = tasks;
    }

    /** The group's decision; null when a stop interrupted it (nothing was written: the item runs again). */
    SandboxTaskRecords.GroupResult decide(SandboxTaskRecords.Job job, SandboxTaskRecords.TaskRow task,
                                          List<SandboxTaskRecords.RolloutRow> rollouts, BooleanSupplier stopped)
            throws InterruptedException {
        long started = System.nanoTime();
        List<SandboxTaskRecords.RolloutRow> scored = rollouts.stream().filter(SandboxTaskRecords.RolloutRow::scored)
                .toList();
        List<SandboxTaskRecords.RolloutRow> passed = scored.stream().filter(SandboxTaskRecords.RolloutRow::passed)
                .toList();
        List<SandboxTaskRecords.RolloutRow> failed = scored.stream().filter(r -> !r.passed()).toList();
        if (scored.isEmpty()) {
            return result(NO_EVIDENCE, "no rollout of the task has a validator's verdict", null, null,
                    RolloutMemory.Written.NONE, 0, 0, 0, started);
        }
        String text = Rollout.text(task.task());
        SandboxTaskRecords.RolloutRow best = passed.stream().min(Comparator
                .comparingLong((SandboxTaskRecords.RolloutRow r) -> r.tokens() == null ? 0 : r.tokens())
                .thenComparingInt(SandboxTaskRecords.RolloutRow::seq)).orElse(null);
        SandboxTaskRecords.RolloutRow firstFailure = failed.isEmpty() ? null : failed.getFirst();
        long tokens = 0;
        String verdict = null;
        String detail = passed.size() + " of " + scored.size() + " rollouts passed";
        FailureAnalysis.Attempt passing = null;
        if (best != null) {
            passing = attempt("a rollout the validator accepted", best);
        } else {
            Triage.Verdict triaged = triage.decide(text, task.validator(), task.reference(), task.referenceAnswer(),
                    failed.size(), attempt("rejected", firstFailure), firstFailure.validatorOutput());
            tokens += triaged.tokens();
            if (stopped.getAsBoolean()) {
                return null;
            }
            if (triaged.undecided()) {
                return result(UNDECIDED, triaged.reason(), null, null, RolloutMemory.Written.NONE, scored.size(), 0,
                        tokens, started);
            }
            verdict = triaged.verdict();
            if (triaged.defect()) {
                return result(TASK_DEFECT, "every rollout failed and the triage found the task defective: "
                        + triaged.reason(), verdict, null, RolloutMemory.Written.NONE, scored.size(), 0, tokens,
                        started);
            }
            detail = "every rollout failed; the triage found an agent mistake: " + triaged.reason();
            passing = FailureAnalysis.Attempt.reference(task.reference(), task.referenceAnswer());
        }
        String lesson = null;
        if (firstFailure != null) {
            FailureAnalysis.Lesson drawn = analysis.analyse(text, passing, attempt("rejected", firstFailure),
                    firstFailure.verdict(), firstFailure.validatorOutput());
            tokens += drawn.tokens();
            lesson = drawn.text();
            if (stopped.getAsBoolean()) {
                return null;
            }
        }
        List<RolloutMemory.Member> members = scored.stream().map(this::member).toList();
        RolloutMemory.Member bestMember = best == null ? null : members.get(scored.indexOf(best));
        RolloutMemory.Member failedMember = firstFailure == null ? null : members.get(scored.indexOf(firstFailure));
        RolloutMemory.Written written = memory.remember(job, task.slot(), text, members, bestMember, failedMember,
                lesson);
        String outcome = best == null ? NEGATIVE : failed.isEmpty() ? POSITIVE : POSITIVE_AND_NEGATIVE;
        return result(outcome, detail, verdict, lesson, written, scored.size(), passed.size(), tokens, started);
    }

    private RolloutMemory.Member member(SandboxTaskRecords.RolloutRow row) {
        return new RolloutMemory.Member(row.taskId(), row.plan(), row.answer(), row.reward(),
                tasks.credits(row.taskId()));
    }

    private static FailureAnalysis.Attempt attempt(String what, SandboxTaskRecords.RolloutRow row) {
        return new FailureAnalysis.Attempt(what, row.plan(), row.trace(), row.answer());
    }

    private static SandboxTaskRecords.GroupResult result(String outcome, String detail, String verdict,
                                                         String lesson, RolloutMemory.Written written, int scored,
                                                         int passed, long tokens, long started) {
        return new SandboxTaskRecords.GroupResult(outcome, detail, verdict, lesson, id(written.positive()),
                id(written.negative()), scored, passed, tokens, (System.nanoTime() - started) / 1_000_000);
    }

    private static String id(UUID id) {
        return id == null ? null : id.toString();
    }
}
