package dev.casebook.server.memory;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.Rater;
import dev.casebook.memory.policy.CaseRole;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Applies a late reward to case memory through its one door ({@link dev.casebook.memory.MemoryWriter#rate}): the
 * episode's case gets one more evidence event (who rated it, with what reward), the cases selected for the episode
 * are credited (a counted use becomes a success when the rated reward is at least 0.5), and the task's policy
 * observes (state, selected cases, reward). The policy sees each case with the label and counts it had when it was
 * selected (the selection's snapshot in the {@link Credit}), never with counts that include this reward. Only for
 * read-write episodes. The caller calls it once per task. Synthetic evidence is second-class: a dream's episode
 * credits no case, and its reward trains the policy with the weight its caller gives
 * ({@code casebook.synthesis.policy-weight}).
 */
@Component
public class MemoryFeedback {
    private static final Logger log = LoggerFactory.getLogger(MemoryFeedback.class);

    private final ObjectProvider<AgentMemory> memory;
    private final ObjectProvider<InsightTrigger> insights;

    /** Feedback without insight distillation. */
    public MemoryFeedback(ObjectProvider<AgentMemory> memory) {
        this(memory, null);
    }

    @Autowired
    MemoryFeedback(ObjectProvider<AgentMemory> memory, ObjectProvider<InsightTrigger> insights) {
        this.memory = memory;
        this.insights = insights;
    }

    /**
     * A selected case as recorded with the task, with its label and counts at selection time; {@code label},
     * {@code uses} and {@code successes} are null for selections recorded before they were kept, and the policy then
     * sees the counts as they were before this reward was credited.
     */
    public record Credit(String caseId, double score, String role, String label, Integer uses, Integer successes) {
        public Credit {
            if ((uses == null) != (successes == null)) {
                throw new IllegalArgumentException("uses and successes are known together, were " + uses + " and "
                        + successes);
            }
            if (uses != null && (uses < 0 || successes < 0 || successes > uses)) {
                throw new IllegalArgumentException("need 0 <= successes <= uses, was " + successes + "/" + uses);
            }
        }

        /** The credit for a case the agent selected, with the snapshot it selected it with. */
        public static Credit of(Step.CasesSelected.Pick pick) {
            return new Credit(pick.caseId().toString(), pick.score(), pick.role(), pick.label(), pick.uses(),
                    pick.successes());
        }

        /** The case as the policy saw it: {@code current} with the snapshot's label and counts when known. */
        Case asSelected(Case current) {
            Case seen = uses == null ? current : current.withCounts(uses, successes);
            return label == null ? seen : seen.withLabel(CaseLabel.parse(label));
        }
    }

    /**
     * Applies a reward given to an agent run that was not submitted as a task (an evaluation item scored against
     * its gold answer): the run's case, if it wrote one, and the cases it selected. Call it once per run.
     */
    public List<UUID> apply(TaskSpec spec, Outcome outcome, double reward, Rater rater) {
        return apply(spec, outcome, reward, rater, 1);
    }

    /**
     * As {@link #apply(TaskSpec, Outcome, double, Rater)}, the policy learning from it with {@code policyWeight}
     * (a dream's reward: {@code casebook.synthesis.policy-weight}; 0 = not at all).
     */
    public List<UUID> apply(TaskSpec spec, Outcome outcome, double reward, Rater rater, double policyWeight) {
        String caseId = outcome instanceof Outcome.Answered a && a.caseId() != null ? a.caseId().toString() : null;
        List<Credit> credits = outcome.selected().stream().map(Credit::of).toList();
        return apply(new Rating(spec.tenant(), spec.id(), spec.text(), outcome.state(), spec.memoryMode(),
                spec.policy(), caseId, credits, spec.source()), reward, rater, policyWeight);
    }

    /**
     * The episode a late reward is for: its tenant, id (the task's) and text, the text's embedding when the episode
     * still has it ({@code state}, the vector it selected with; null when it is gone, and the text is embedded
     * again), its memory mode and policy, the case it wrote (null when none), the cases it was shown, and where it
     * ran (a dream's episode, {@code synthetic}, credits no case; a real one's success confirms the synthetic cases
     * it was shown).
     */
    public record Rating(String tenant, String episode, String taskText, float[] state, MemoryMode mode,
                         String policy, String caseId, List<Credit> selected, CaseSource source) {
        public Rating {
            source = source == null ? CaseSource.REAL : source;
        }

        /** A real episode's rating. */
        public Rating(String tenant, String episode, String taskText, float[] state, MemoryMode mode, String policy,
                      String caseId, List<Credit> selected) {
            this(tenant, episode, taskText, state, mode, policy, caseId, selected, CaseSource.REAL);
        }
    }

    /** Returns the ids of the selected cases credited with a success; empty when nothing applied. */
    public List<UUID> apply(Rating episode, double reward, Rater rater) {
        return apply(episode, reward, rater, 1);
    }

    /**
     * As {@link #apply(Rating, double, Rater)}; the policy observes the reward with {@code policyWeight} (within
     * [0, 1]; 0 leaves it untrained by this episode).
     */
    public List<UUID> apply(Rating episode, double reward, Rater rater, double policyWeight) {
        AgentMemory m = memory.getIfAvailable();
        if (m == null || episode.mode() != MemoryMode.READ_WRITE) {
            return List.of();
        }
        String tenant = episode.tenant();
        String caseId = episode.caseId();
        try {
            List<UUID> ids = episode.selected().stream().map(c -> UUID.fromString(c.caseId())).toList();
            List<SelectedCase> seen = asSelected(m, tenant, episode.selected());
            List<UUID> credited = m.writer().rate(tenant, caseId == null ? null : UUID.fromString(caseId),
                    episode.episode(), reward, rater, ids, episode.source());
            observe(m, () -> stateOf(m, episode), episode.policy(), seen, reward, policyWeight);
            if (insights != null && caseId != null && episode.source() == CaseSource.REAL && rater.rated()) {
                insights.ifAvailable(trigger -> trigger.rated(tenant, UUID.fromString(caseId)));
            }
            return credited;
        } catch (RuntimeException e) {
            log.error("the reward {} could not be applied to case memory (case {}, tenant {})", reward, caseId,
                    tenant, e);
            return List.of();
        }
    }

    /**
     * Only the policy's part of a reward, for an episode whose case was written with its rated reward already
     * (a sandbox rollout and its validator): the policy observes (state, selected cases as selected, reward).
     * {@code state} is the episode's task embedding, the one it selected with.
     */
    public void observe(String tenant, float[] state, String policy, List<Credit> selected, double reward) {
        AgentMemory m = memory.getIfAvailable();
        if (m == null) {
            return;
        }
        try {
            Objects.requireNonNull(state, "state");
            observe(m, () -> state, policy, asSelected(m, tenant, selected), reward, 1);
        } catch (RuntimeException e) {
            log.error("the policy could not learn from the reward {} (tenant {})", reward, tenant, e);
        }
    }

    /** The selected cases as the policy saw them; read before the reward is credited, for credits without snapshot. */
    private static List<SelectedCase> asSelected(AgentMemory m, String tenant, List<Credit> selected) {
        List<SelectedCase> cases = new ArrayList<>();
        for (Credit c : selected) {
            m.store().get(tenant, UUID.fromString(c.caseId())).ifPresent(current -> cases.add(new SelectedCase(
                    c.asSelected(current), c.score(), "pitfall".equals(c.role()) ? CaseRole.PITFALL
                            : CaseRole.EXAMPLE)));
        }
        return cases;
    }

    /** {@code state} is asked for only when the policy learns from this reward. */
    private static void observe(AgentMemory m, Supplier<float[]> state, String policy, List<SelectedCase> cases,
            double reward, double weight) {
        CaseSelectionPolicy p = m.policies().get(policy == null || policy.isBlank() ? m.defaultPolicy() : policy);
        if (p != null && !cases.isEmpty() && weight > 0) {
            p.observe(state.get(), cases, reward, weight);
        }
    }

    /**
     * The episode's state, the embedding of its task text: as the episode kept it; else the vector of the case the
     * episode wrote when that case holds the very same task text (the episode's own case was written with its state,
     * and a case of the same text holds the same embedding); else the text embedded again (the case is gone or holds
     * another text, a near-duplicate's).
     */
    private static float[] stateOf(AgentMemory m, Rating episode) {
        if (episode.state() != null) {
            return episode.state();
        }
        if (episode.caseId() != null) {
            UUID id = UUID.fromString(episode.caseId());
            Optional<float[]> kept = m.store().get(episode.tenant(), id)
                    .filter(c -> c.task().equals(episode.taskText()))
                    .flatMap(c -> m.store().embedding(episode.tenant(), id))
                    .filter(v -> v.length == m.embedder().dimension());
            if (kept.isPresent()) {
                return kept.get();
            }
        }
        return m.embedder().embed(episode.taskText());
    }
}
