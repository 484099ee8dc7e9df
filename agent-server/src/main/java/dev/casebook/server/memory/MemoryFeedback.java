package dev.casebook.server.memory;

import dev.casebook.memory.Case;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Applies a late reward to case memory: the episode's case gets the reward and its label, the cases selected for
 * the episode are credited (a counted use becomes a success when the reward is at least 0.5), and the task's policy
 * observes (state, selected cases, reward). Only for read-write episodes. The caller calls it once per task.
 */
@Component
public class MemoryFeedback {
    private static final Logger log = LoggerFactory.getLogger(MemoryFeedback.class);

    private final ObjectProvider<AgentMemory> memory;

    MemoryFeedback(ObjectProvider<AgentMemory> memory) {
        this.memory = memory;
    }

    /** A selected case as recorded with the task. */
    public record Credit(String caseId, double score, String role) {
    }

    /**
     * Applies a reward given to an agent run that was not submitted as a task (an evaluation item scored against
     * its gold answer): the run's case, if it wrote one, and the cases it selected. Call it once per run.
     */
    public List<UUID> apply(TaskSpec spec, Outcome outcome, double reward) {
        String caseId = outcome instanceof Outcome.Answered a && a.caseId() != null ? a.caseId().toString() : null;
        List<Credit> credits = outcome.selected().stream()
                .map(p -> new Credit(p.caseId().toString(), p.score(), p.role())).toList();
        return apply(spec.tenant(), spec.text(), spec.memoryMode().wireName(), spec.policy(), caseId, credits,
                reward);
    }

    /** Returns the ids of the selected cases credited with a success; empty when nothing applied. */
    public List<UUID> apply(String tenant, String taskText, String memoryMode, String policy, String caseId,
            List<Credit> selected, double reward) {
        AgentMemory m = memory.getIfAvailable();
        if (m == null || MemoryMode.parse(memoryMode) != MemoryMode.READ_WRITE) {
            return List.of();
        }
        try {
            List<UUID> ids = selected.stream().map(c -> UUID.fromString(c.caseId())).toList();
            List<UUID> credited = m.rewriter().applyReward(tenant, caseId == null ? null : UUID.fromString(caseId),
                    ids, reward);
            observe(m, tenant, taskText, policy, selected, reward);
            return credited;
        } catch (RuntimeException e) {
            log.error("the reward {} could not be applied to case memory (case {}, tenant {})", reward, caseId,
                    tenant, e);
            return List.of();
        }
    }

    private static void observe(AgentMemory m, String tenant, String taskText, String policy, List<Credit> selected,
            double reward) {
        CaseSelectionPolicy p = m.policies().get(policy == null || policy.isBlank() ? m.defaultPolicy() : policy);
        if (p == null || selected.isEmpty()) {
            return;
        }
        List<SelectedCase> cases = new ArrayList<>();
        for (Credit c : selected) {
            Case value = m.store().get(tenant, UUID.fromString(c.caseId())).orElse(null);
            if (value != null) {
                cases.add(new SelectedCase(value, c.score(),
                        "pitfall".equals(c.role()) ? CaseRole.PITFALL : CaseRole.EXAMPLE));
            }
        }
        if (!cases.isEmpty()) {
            p.observe(m.embedder().embed(taskText), cases, reward);
        }
    }
}
