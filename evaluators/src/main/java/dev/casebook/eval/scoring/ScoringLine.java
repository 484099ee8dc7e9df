package dev.casebook.eval.scoring;

import java.util.List;
import java.util.Objects;

/**
 * One line of a scoring input: a prediction for item {@code id}, its gold answers and the scorer to use;
 * {@code question} and {@code reasoningTrace} are optional.
 */
public record ScoringLine(long line, String id, String question, String prediction, List<String> golds, String scorer,
                          String reasoningTrace) {
    public ScoringLine {
        Objects.requireNonNull(id, "id");
        golds = List.copyOf(golds);
        if (golds.isEmpty()) {
            throw new IllegalArgumentException("at least one gold answer is required");
        }
        Objects.requireNonNull(scorer, "scorer");
    }
}
