package dev.casebook.memory;

import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one rule that turns a case's {@link Evidence} into its reward, label, plan and answer:
 * <ol>
 *   <li>Each episode counts once, by its highest-ranked event, the latest of equals (a late rating of an episode
 *       replaces the provisional reward it was written with).</li>
 *   <li>Only the episodes of the highest {@link Rater#rank() rank} present count: feedback, then scorer and
 *       validator, then the experience model, then unrated. A rated outcome is never outweighed by an unrated
 *       one, however many unrated episodes follow.</li>
 *   <li>Among feedback, the most recent decides (a person's latest word). Among the others, the reward is the mean
 *       of the counted rewards: the success rate over those episodes, whatever order they arrived in.</li>
 *   <li>The label is positive when that reward is at least 0.5, or when the counted events are rollouts of a
 *       synthetic task (source synthetic or sandbox, judged by a validator or the experience model) and one of them
 *       succeeded: a plan that solved the practice task is an example to follow, and its reward says how often the
 *       task's rollouts passed (the group's success rate).</li>
 *   <li>The plan and answer are those of the best counted success (highest reward, the latest of equals); when no
 *       counted episode succeeded, those of the latest counted one.</li>
 * </ol>
 * Uses and successes (how often the case was selected, and how often that helped) are not evidence of the case's
 * own outcome and are left as they are.
 */
public final class CaseEvidence {
    private CaseEvidence() {
    }

    /** The case with reward, label, plan and answer derived from {@code events} (oldest first); unchanged if none. */
    public static Case derive(Case current, List<Evidence> events) {
        List<Evidence> counted = counted(events);
        if (counted.isEmpty()) {
            return current;
        }
        double reward = counted.getFirst().rater() == Rater.FEEDBACK ? counted.getLast().reward()
                : counted.stream().mapToDouble(Evidence::reward).average().orElseThrow();
        Evidence shown = best(counted);
        Instant latest = events.stream().map(Evidence::at).max(Comparator.naturalOrder()).orElseThrow();
        CaseLabel label = practiceSolved(counted) ? CaseLabel.POSITIVE : CaseLabel.fromReward(reward);
        Case derived = current.withOutcome(shown.plan(), shown.answer(), reward, label);
        return derived.withUpdatedAt(latest.isAfter(current.updatedAt()) ? latest : current.updatedAt());
    }

    /** The events that count: one per episode, of the top rank only, oldest first. */
    static List<Evidence> counted(List<Evidence> events) {
        Map<String, Evidence> byEpisode = new LinkedHashMap<>();
        int unnamed = 0;
        for (Evidence e : events) {
            String key = e.episode().isBlank() ? "\u0000" + unnamed++ : e.episode();
            byEpisode.merge(key, e, (old, now) -> now.rater().rank() >= old.rater().rank() ? now : old);
        }
        int top = byEpisode.values().stream().mapToInt(e -> e.rater().rank()).max().orElse(-1);
        Set<Evidence> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        byEpisode.values().stream().filter(e -> e.rater().rank() == top).forEach(kept::add);
        return events.stream().filter(kept::contains).toList();
    }

    /** A synthetic task's rollout that passed is among the counted events (rule 4). */
    private static boolean practiceSolved(List<Evidence> counted) {
        return counted.stream().anyMatch(e -> e.success()
                && (e.source() == EvidenceSource.SANDBOX || e.source() == EvidenceSource.SYNTHETIC)
                && (e.rater() == Rater.VALIDATOR || e.rater() == Rater.EXPERIENCE_MODEL));
    }

    private static Evidence best(List<Evidence> counted) {
        Evidence best = null;
        for (Evidence e : counted) {
            if (e.success() && (best == null || e.reward() >= best.reward())) {
                best = e;
            }
        }
        return best != null ? best : counted.getLast();
    }
}
