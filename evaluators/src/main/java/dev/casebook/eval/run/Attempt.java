package dev.casebook.eval.run;

import java.util.Map;
import java.util.Objects;

/**
 * One finished attempt at one question of a run, as reports need it. {@code episode} is its place in the run's
 * order (0-based, over all epochs); {@code scores} are keyed by scorer name.
 */
public record Attempt(String itemId, String group, int epoch, int attempt, int episode, boolean answered,
                      Map<String, Score> scores, long tokens, long millis) {
    public Attempt {
        Objects.requireNonNull(itemId, "itemId");
        Objects.requireNonNull(group, "group");
        scores = Map.copyOf(scores);
    }

    /** One scorer's result of the attempt: its kind ({@code exact}, {@code overlap}, {@code judge}, {@code simpleqa}). */
    public record Score(String kind, boolean correct, double value, boolean flagged) {
    }

    public boolean correct(String scorer) {
        Score score = scores.get(scorer);
        return score != null && score.correct();
    }
}
