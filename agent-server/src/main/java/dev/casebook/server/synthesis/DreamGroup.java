package dev.casebook.server.synthesis;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.lessons.FailureAnalysis;
import dev.casebook.server.lessons.Trace;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides the rollouts of one dreamed task together, once they all ended (the task's {@code group} item, in the epoch
 * after theirs). Each rollout already wrote its piece of the task's one case as it ended (the best passing plan kept,
 * the group's success rate its reward); what a group adds is the contrastive lesson of EvoCUA's step-level pairs:
 * <ul>
 *   <li>some rollouts passed, some failed ({@code positive_and_negative}): the {@link FailureAnalysis} (the same as the
 *       sandbox tasks', {@link FailureAnalysis#DREAM}, asked of the experience model) is shown the best passing
 *       rollout (the highest reward, then the cheapest in tokens, then the earliest) and the first failing one, and,
 *       in read-write jobs, a negative case of source {@code synthetic} holds the failure with the lesson;</li>
 *   <li>all passed ({@code positive}) or all failed ({@code negative}): nothing is asked. A dream has no reference
 *       solution to compare a failure with, nor a program to tell an agent's mistake from a defective task: no
 *       triage;</li>
 *   <li>no rollout has a verdict: {@code no_evidence}.</li>
 * </ul>
 * The negative case is second-class as every dream's case: rated by the experience model, no credit to the cases the
 * rollout was shown, and the policy already observed the rollout (at {@code casebook.synthesis.policy-weight}).
 */
final class DreamGroup {
    private static final Logger log = LoggerFactory.getLogger(DreamGroup.class);

    static final String POSITIVE = "positive";
    static final String POSITIVE_AND_NEGATIVE = "positive_and_negative";
    static final String NEGATIVE = "negative";
    static final String NO_EVIDENCE = "no_evidence";

    private final FailureAnalysis analysis;
    private final DreamRecords records;
    private final AgentMemory memory;

    /** @param memory the server's case memory; null without one (then nothing is written) */
    DreamGroup(FailureAnalysis analysis, DreamRecords records, AgentMemory memory) {
        this.analysis = analysis;
        this.records = records;
        this.memory = memory;
    }

    /**
     * What the group's rollouts say, the lesson drawn when some passed and some failed; nothing written yet.
     *
     * @param failure the failing rollout the lesson is about; null without a lesson
     */
    record Decision(String outcome, String lesson, DreamRecords.Member failure, long tokens, long started) {
    }

    /** Decides the group; the failure analysis is asked when some rollouts passed and some failed. */
    Decision decide(DreamRecords.Job job, DreamRecords.Item group) throws InterruptedException {
        long started = System.nanoTime();
        List<DreamRecords.Member> members = records.members(job.id(), group.taskNo());
        List<DreamRecords.Member> passed = members.stream().filter(DreamRecords.Member::passed).toList();
        List<DreamRecords.Member> failed = members.stream().filter(m -> !m.passed()).toList();
        if (passed.isEmpty() || failed.isEmpty()) {
            String outcome = members.isEmpty() ? NO_EVIDENCE : passed.isEmpty() ? NEGATIVE : POSITIVE;
            return new Decision(outcome, null, null, 0, started);
        }
        DreamRecords.Member best = passed.stream().min(Comparator
                .comparingDouble((DreamRecords.Member m) -> -m.reward())
                .thenComparingLong(DreamRecords.Member::tokens).thenComparingInt(DreamRecords.Member::seq))
                .orElseThrow();
        DreamRecords.Member failure = failed.getFirst();
        FailureAnalysis.Lesson lesson = analysis.analyse(group.task(),
                attempt("a rollout the judge rated a success, reward " + best.reward(), best),
                attempt("rated a failure", failure), "failed, reward " + failure.reward(), failure.detail());
        return new Decision(POSITIVE_AND_NEGATIVE, lesson.text(), failure, lesson.tokens(), started);
    }

    /**
     * Writes the decision's negative case (read-write jobs with a lesson; when the server has case memory) and says
     * how the group was decided.
     */
    DreamRecords.Decided remember(DreamRecords.Job job, DreamRecords.Item group, Decision decision) {
        UUID negative = decision.failure() == null ? null : remember(job, group, decision.failure(),
                decision.lesson());
        return new DreamRecords.Decided(decision.outcome(), decision.lesson(),
                negative == null ? null : negative.toString(), decision.tokens(), millisSince(decision.started()));
    }

    /** The negative case's answer: what the failing rollout answered, and the lesson. */
    static String failedAnswer(String answer, String lesson) {
        return "Not solved (the simulation's judge rated the answer" + (answer == null || answer.isBlank() ? ""
                : " '" + Trace.cut(answer.strip(), 300) + "'") + " a failure). Lesson: " + lesson;
    }

    /**
     * The id of a group's negative case: derived from the job and the task, so a group decided again after a stop
     * finds the case it wrote before.
     */
    static UUID negativeCaseId(String jobId, int taskNo) {
        return UUID.nameUUIDFromBytes(("casebook-dream-group:" + jobId + ":" + taskNo + ":negative")
                .getBytes(StandardCharsets.UTF_8));
    }

    private UUID remember(DreamRecords.Job job, DreamRecords.Item group, DreamRecords.Member failure, String lesson) {
        if (memory == null || job.settings().memoryMode() != MemoryMode.READ_WRITE) {
            return null;
        }
        try {
            // no credit to the cases the rollout was shown (synthetic evidence); the policy observed it when it ended
            MemoryWriter.Episode episode = new MemoryWriter.Episode(failure.taskId(), job.tenant(), group.task(),
                    memory.embedder().embed(group.task()), failure.plan(), failedAnswer(failure.answer(), lesson),
                    failure.reward(), Rater.EXPERIENCE_MODEL, CaseSource.SYNTHETIC, "dream:" + job.id(),
                    Case.DEFAULT_BANK, List.of());
            return memory.writer().rememberAs(CaseLabel.NEGATIVE, episode, negativeCaseId(job.id(), group.taskNo()))
                    .value().id();
        } catch (RuntimeException e) {
            log.error("dream job {}: the negative case of task {} could not be written to case memory", job.id(),
                    group.taskNo(), e);
            return null;
        }
    }

    private static FailureAnalysis.Attempt attempt(String what, DreamRecords.Member member) {
        return new FailureAnalysis.Attempt(what, member.plan(), member.trace(), member.answer());
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
