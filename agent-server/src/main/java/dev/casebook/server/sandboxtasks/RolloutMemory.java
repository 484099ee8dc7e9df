package dev.casebook.server.sandboxtasks;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.lessons.Trace;
import dev.casebook.server.memory.MemoryFeedback;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Writes a decided group of rollouts of a read-write job to case memory ({@link RolloutGroup}), through the
 * {@link MemoryWriter}, all of source {@code sandbox} and rated by the validator:
 * <ul>
 *   <li>the <b>positive case</b>, when a rollout passed: every scored rollout of the group is one piece of its
 *       evidence, so its reward is the group's success rate and its history holds the counts; the best passing
 *       rollout is written last among the successes, so its plan and answer are the ones shown, and no failure
 *       replaces them ({@code CaseEvidence});</li>
 *   <li>the <b>negative case</b>, when a rollout failed and a lesson was drawn: its answer carries the lesson; when a
 *       rollout passed it is the analysed failure alone (its evidence is in the positive case), otherwise every failed
 *       rollout is its evidence.</li>
 * </ul>
 * Each rollout's selected cases count their use (a success when it passed) once, and the policy observes each
 * rollout ({@link MemoryFeedback}), as for any rated episode.
 */
@Component
class RolloutMemory {
    private static final Logger log = LoggerFactory.getLogger(RolloutMemory.class);

    private final ObjectProvider<AgentMemory> memory;
    private final MemoryFeedback feedback;

    RolloutMemory(ObjectProvider<AgentMemory> memory, MemoryFeedback feedback) {
        this.memory = memory;
        this.feedback = feedback;
    }

    /** A scored rollout of a group: its episode (the rollout's task id), what it did, its reward, what it was shown. */
    record Member(String episode, String plan, String answer, double reward, List<MemoryFeedback.Credit> selected) {
        boolean passed() {
            return reward >= 0.5;
        }
    }

    /** The cases a group wrote; an id is null when that case was not written. */
    record Written(UUID positive, UUID negative) {
        static final Written NONE = new Written(null, null);
    }

    boolean available() {
        return memory.getIfAvailable() != null;
    }

    /** The case-selection policies of this server's memory; empty without one. */
    Set<String> policies() {
        AgentMemory m = memory.getIfAvailable();
        return m == null ? Set.of() : new TreeSet<>(m.policies().keySet());
    }

    static String failedAnswer(String answer, String lesson) {
        return "Not solved (the validator rejected the result" + (answer == null || answer.isBlank() ? ""
                : " of the answer '" + Trace.cut(answer.strip(), 300) + "'") + ")." + (lesson == null ? ""
                : " Lesson: " + lesson);
    }

    /**
     * The id a group's new case gets ({@code side} positive or negative): derived from the job and the task's slot, so
     * a group decided again after a stop finds the case it wrote before.
     */
    static UUID caseId(String jobId, int slot, CaseLabel side) {
        return UUID.nameUUIDFromBytes(("casebook-sandbox-group:" + jobId + ":" + slot + ":" + side.wireName())
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes the group's cases: the positive one when {@code best} (a passing member) is given, the negative one when
     * {@code lesson} is; {@code failed} is the member the lesson is about. {@link Written#NONE} when the job does not
     * write memory or the server has none; what was written before a failure (logged) otherwise.
     */
    Written remember(SandboxTaskRecords.Job job, int slot, String text, List<Member> members, Member best,
                     Member failed, String lesson) {
        AgentMemory m = memory.getIfAvailable();
        if (m == null || job.settings().memoryMode() != MemoryMode.READ_WRITE) {
            return Written.NONE;
        }
        UUID positive = null;
        UUID negative = null;
        try {
            float[] embedding = m.embedder().embed(text);
            String origin = Rollout.origin(job.id(), slot);
            MemoryWriter writer = m.writer();
            if (best != null) {
                UUID id = caseId(job.id(), slot, CaseLabel.POSITIVE);
                for (Member member : positiveOrder(members, best)) {
                    positive = writer.rememberAs(CaseLabel.POSITIVE, episode(job, text, embedding, origin, member,
                            member.passed() ? member.answer() : failedAnswer(member.answer(), null), true), id)
                            .value().id();
                    id = positive;
                }
            }
            if (failed != null && lesson != null) {
                UUID id = caseId(job.id(), slot, CaseLabel.NEGATIVE);
                List<Member> failures = best != null ? List.of(failed) : negativeOrder(members, failed);
                for (Member member : failures) {
                    // with a positive case, the failure's use is already counted there
                    negative = writer.rememberAs(CaseLabel.NEGATIVE, episode(job, text, embedding, origin, member,
                            failedAnswer(member.answer(), lesson), best == null), id).value().id();
                    id = negative;
                }
            }
            for (Member member : members) { // the group's one embedding of its task text is each rollout's state
                feedback.observe(job.tenant(), embedding, job.settings().policy(), member.selected(), member.reward());
            }
        } catch (RuntimeException e) {
            log.error("sandbox task job {}: the cases of task slot {} could not be written to case memory", job.id(),
                    slot, e);
        }
        return new Written(positive, negative);
    }

    /**
     * The positive case's writes: a success first (the case is positive from its first event), the best success
     * last among the successes (its plan and answer are shown: the latest of equal rewards).
     */
    static List<Member> positiveOrder(List<Member> members, Member best) {
        List<Member> others = members.stream().filter(x -> x != best && x.passed()).toList();
        List<Member> failures = members.stream().filter(x -> !x.passed()).toList();
        List<Member> order = new ArrayList<>();
        if (others.isEmpty()) {
            order.add(best);
            order.addAll(failures);
        } else {
            order.addAll(others);
            order.addAll(failures);
            order.add(best);
        }
        return order;
    }

    /** The negative case's writes when no rollout passed: the analysed failure last (its plan is shown). */
    private static List<Member> negativeOrder(List<Member> members, Member failed) {
        List<Member> order = new ArrayList<>(members.stream().filter(x -> x != failed && !x.passed()).toList());
        order.add(failed);
        return order;
    }

    private static MemoryWriter.Episode episode(SandboxTaskRecords.Job job, String text, float[] embedding,
                                                String origin, Member member, String answer, boolean credit) {
        List<UUID> selected = credit ? member.selected().stream().map(c -> UUID.fromString(c.caseId())).toList()
                : List.of();
        return new MemoryWriter.Episode(member.episode(), job.tenant(), text, embedding, member.plan(), answer,
                member.reward(), Rater.VALIDATOR, CaseSource.SANDBOX, origin, Case.DEFAULT_BANK, selected);
    }
}
