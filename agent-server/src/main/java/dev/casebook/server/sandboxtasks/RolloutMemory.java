package dev.casebook.server.sandboxtasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Case;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.memory.MemoryFeedback;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Writes a rollout of a read-write job to case memory with its validator's reward: a success as a positive case (the
 * plan and the answer that worked), a failure as a negative case whose answer carries the lesson of the failure
 * analysis; both of source {@code sandbox}. The cases the planner was shown count a use, a success when the rollout
 * passed, and the policy learns from them ({@link MemoryFeedback}), as for any rewarded episode.
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

    /** The case written, and the step that says so in the rollout's record. */
    record Written(UUID caseId, Step.MemoryWritten step) {
    }

    boolean available() {
        return memory.getIfAvailable() != null;
    }

    /** The case-selection policies of this server's memory; empty without one. */
    java.util.Set<String> policies() {
        AgentMemory m = memory.getIfAvailable();
        return m == null ? java.util.Set.of() : new java.util.TreeSet<>(m.policies().keySet());
    }

    static String failedAnswer(String answer, String lesson) {
        return "Not solved (the validator rejected the result" + (answer.isBlank() ? "" : " of the answer '"
                + Trace.cut(answer.strip(), 300) + "'") + "). Lesson: " + lesson;
    }

    /**
     * The id a rollout's new case gets: derived from the job and the rollout's item, so a rollout that runs again
     * after a stop rewrites the case it wrote before instead of adding one and counting its uses twice.
     */
    static UUID caseId(String jobId, int seq) {
        return UUID.nameUUIDFromBytes(("casebook-sandbox-rollout:" + jobId + ":" + seq)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Null when the job does not write memory, the server has none, or the write failed (logged). */
    Written remember(SandboxTaskRecords.Job job, int seq, TaskSpec spec, Outcome outcome, String plan, double reward,
                     String lesson) {
        AgentMemory m = memory.getIfAvailable();
        if (m == null || job.settings().mode() != MemoryMode.READ_WRITE) {
            return null;
        }
        long started = System.nanoTime();
        try {
            String answer = Rollout.answer(outcome);
            String caseAnswer = lesson == null ? answer : failedAnswer(answer, lesson);
            List<MemoryFeedback.Credit> credits = outcome.selected().stream().map(MemoryFeedback.Credit::of).toList();
            List<UUID> selected = outcome.selected().stream().map(Step.CasesSelected.Pick::caseId).toList();
            // the validator's reward is rated: the write credits uses and successes; the policy then learns from it
            MemoryWriter.Written written = m.writer().remember(new MemoryWriter.Episode(spec.id(), spec.tenant(),
                    spec.text(), m.embedder().embed(spec.text()), plan, caseAnswer, reward, Rater.VALIDATOR,
                    CaseSource.SANDBOX, spec.origin(), Case.DEFAULT_BANK, selected), caseId(job.id(), seq));
            UUID caseId = written.value().id();
            feedback.observe(spec.tenant(), spec.text(), spec.policy(), credits, reward);
            return new Written(caseId, new Step.MemoryWritten(caseId, written.updatedExisting(), written.credited(),
                    (System.nanoTime() - started) / 1_000_000));
        } catch (RuntimeException e) {
            log.error("sandbox task job {}: the rollout {} could not be written to case memory", job.id(), spec.id(),
                    e);
            return null;
        }
    }
}
