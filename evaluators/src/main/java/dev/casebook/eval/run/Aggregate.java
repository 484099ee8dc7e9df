package dev.casebook.eval.run;

import java.util.Map;

/**
 * Aggregates of a set of attempts (a whole epoch, or one group of it). {@code pass1} is the mean over questions of
 * the share of correct attempts (by the primary scorer); {@code passK} the share of questions with at least one
 * correct attempt. Per scorer: accuracy, mean value (F1 for overlap scorers) and the number of judge flags.
 */
public record Aggregate(int questions, int attempts, double pass1, double passK, Map<String, ScorerAggregate> scorers,
                        double meanTokens, double meanCost, double meanMillis, int unanswered) {
    public Aggregate {
        scorers = Map.copyOf(scorers);
    }

    public record ScorerAggregate(double accuracy, double meanValue, int flagged) {
    }
}
