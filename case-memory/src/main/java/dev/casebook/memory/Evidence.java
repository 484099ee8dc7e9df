package dev.casebook.memory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One outcome that reached a case: the episode (a task id, a dataset item, a rollout, an import line), where it came
 * from, the reward and who gave it, the plan and answer it was about, and when. A case's evidence only grows (an
 * edit or a late reward is one more event); its reward, label, plan and answer are derived from it by
 * {@link CaseEvidence#derive}. Its texts are {@link StorableText storable}, as a {@link Case}'s are.
 */
public record Evidence(String episode, EvidenceSource source, double reward, Rater rater, String plan, String answer,
                       Instant at) {

    public Evidence {
        episode = episode == null ? "" : StorableText.of(episode);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(rater, "rater");
        if (Double.isNaN(reward) || reward < 0 || reward > 1) {
            throw new IllegalArgumentException("reward must be within [0, 1], was " + reward);
        }
        plan = plan == null ? "" : StorableText.of(plan);
        answer = answer == null ? "" : StorableText.of(answer);
        at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MICROS);
    }

    /** The single event a case written before evidence was kept is given: its current state, unrated. */
    public static Evidence ofState(Case c) {
        return new Evidence(c.origin(), EvidenceSource.of(c.source()), c.reward(), Rater.UNRATED, c.plan(),
                c.answer(), c.updatedAt());
    }

    public boolean success() {
        return reward >= 0.5;
    }
}
