package dev.casebook.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns finished episodes into case memory (DESIGN §2, step 8).
 *
 * <p>{@link #write}: the episode becomes a new case, unless a case of the same tenant and source is a near-duplicate
 * (cosine similarity of the task embeddings at least {@code duplicateThreshold}): that case's plan, answer, reward and
 * label are updated instead. Sources stay apart: a dream rollout of a task never overwrites the real case of the
 * same task, nor a real episode a synthetic case. Each selected case counts one more use, and one more success when the
 * episode's reward is final and at least 0.5. Given the new case's id, writing the same episode again changes that
 * one case only.
 *
 * <p>{@link #applyReward}: a reward that arrives later (user feedback, a scorer) replaces the episode case's
 * provisional reward and label, and turns the selected cases' counted uses into successes when the reward is at
 * least 0.5. The caller applies it at most once per episode (the run records guard that); this class keeps no state.
 */
public final class MemoryRewriter {
    private final CaseStore store;
    private final double duplicateThreshold;

    public MemoryRewriter(CaseStore store, double duplicateThreshold) {
        this.store = Objects.requireNonNull(store, "store");
        if (Double.isNaN(duplicateThreshold) || duplicateThreshold <= 0 || duplicateThreshold > 1) {
            throw new IllegalArgumentException("duplicateThreshold must be within (0, 1], was " + duplicateThreshold);
        }
        this.duplicateThreshold = duplicateThreshold;
    }

    /**
     * A finished episode.
     *
     * @param rewardFinal false when {@code reward} is provisional and a late reward may follow
     * @param selected    ids of the cases the planner was shown
     */
    public record Episode(String tenant, String task, float[] embedding, String plan, String answer, double reward,
            boolean rewardFinal, CaseSource source, String origin, List<UUID> selected) {
        public Episode {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(embedding, "embedding");
            Objects.requireNonNull(source, "source");
            if (Double.isNaN(reward) || reward < 0 || reward > 1) {
                throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
            }
            selected = List.copyOf(Objects.requireNonNullElse(selected, List.of()));
        }
    }

    /** What {@link #write} did: the case written, whether it was an existing near-duplicate, the cases credited. */
    public record Written(Case value, boolean updatedExisting, List<UUID> credited) {
    }

    /** Writes the episode; a new case gets a random id. */
    public Written write(Episode episode) {
        return write(episode, UUID.randomUUID());
    }

    /**
     * Writes the episode; a new case gets the id {@code caseId}. Idempotent per id: when the store already holds case
     * {@code caseId} of the tenant, the episode was written before (a task that ran again after its server stopped),
     * so that case takes this run's plan, answer and reward, and no selected case counts a use again.
     */
    public Written write(Episode episode, UUID caseId) {
        Objects.requireNonNull(caseId, "caseId");
        CaseLabel label = CaseLabel.fromReward(episode.reward());
        Optional<Case> earlier = store.get(episode.tenant(), caseId);
        if (earlier.isPresent()) {
            Case rewritten = store.updateOutcome(episode.tenant(), caseId, episode.plan(), episode.answer(),
                    episode.reward(), label).orElse(earlier.get());
            return new Written(rewritten, true, List.of());
        }
        Optional<ScoredCase> nearest = store.search(new VectorQuery(episode.embedding(),
                CaseFilter.tenant(episode.tenant()).withSources(Set.of(episode.source())), 1)).stream().findFirst();
        Case written;
        boolean updated = false;
        if (nearest.isPresent() && nearest.get().score() >= duplicateThreshold) {
            Optional<Case> existing = store.updateOutcome(episode.tenant(), nearest.get().value().id(),
                    episode.plan(), episode.answer(), episode.reward(), label);
            updated = existing.isPresent();
            written = existing.orElse(null);
        } else {
            written = null;
        }
        if (written == null) {
            Instant now = Instant.now();
            written = store.add(new Case(caseId, episode.tenant(), episode.task(), episode.plan(), episode.answer(),
                    episode.reward(), label, episode.source(), episode.origin(), 0, 0, now, now),
                    episode.embedding());
        }
        boolean success = episode.rewardFinal() && episode.reward() >= 0.5;
        List<UUID> credited = new ArrayList<>();
        for (UUID id : episode.selected()) {
            if (store.recordUse(episode.tenant(), id, success).isPresent()) {
                credited.add(id);
            }
        }
        return new Written(written, updated, credited);
    }

    /**
     * Applies a late reward to the episode's case ({@code caseId}, may be null when none was written) and to the
     * cases it selected. Returns the ids of the selected cases whose counts changed.
     */
    public List<UUID> applyReward(String tenant, UUID caseId, List<UUID> selected, double reward) {
        if (Double.isNaN(reward) || reward < 0 || reward > 1) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        if (caseId != null) {
            store.get(tenant, caseId).ifPresent(c -> store.updateOutcome(tenant, c.id(), c.plan(), c.answer(),
                    reward, CaseLabel.fromReward(reward)));
        }
        List<UUID> credited = new ArrayList<>();
        if (reward >= 0.5) {
            for (UUID id : selected) {
                if (store.adjustCounts(tenant, id, 0, 1).isPresent()) {
                    credited.add(id);
                }
            }
        }
        return credited;
    }
}
