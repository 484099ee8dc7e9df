package dev.casebook.eval.score;

import java.util.List;

/**
 * Scores one prediction against the gold answers of a question. A question may have several acceptable answers;
 * each scorer says how it combines them (the best one counts). A null prediction means the agent gave no answer.
 */
public interface Scorer {
    /** The name used in run settings, the scoring input and reports ({@code gaia}, {@code deepresearcher}, ...). */
    String name();

    /** @throws IllegalArgumentException when {@code golds} is empty */
    ScoreResult score(String prediction, List<String> golds);

    /** Scores with the question at hand; only judges read it. */
    default ScoreResult score(String question, String prediction, List<String> golds) {
        return score(prediction, golds);
    }

    static void requireGolds(List<String> golds) {
        if (golds == null || golds.isEmpty()) {
            throw new IllegalArgumentException("at least one gold answer is required");
        }
    }
}
