package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The probability that a stochastic selection includes each candidate, estimated by repeating the selection
 * {@code draws} times (the draws without replacement under quotas, or Thompson samples, have no closed form). A
 * probability is never below {@code 1 / draws}: a case that was actually shown had a chance to be.
 */
final class InclusionPropensities {

    /** Repetitions per selection: the standard error of a probability p is at most 0.5 / √draws ≈ 0.044. */
    static final int DRAWS = 128;

    private InclusionPropensities() {
    }

    static Map<Case, Double> estimate(List<Case> candidates, Supplier<List<Case>> selection, int draws) {
        Map<Case, Integer> counts = new IdentityHashMap<>();
        for (int i = 0; i < draws; i++) {
            for (Case c : selection.get()) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        Map<Case, Double> propensities = new IdentityHashMap<>();
        for (Case c : candidates) {
            propensities.put(c, Math.max(1, counts.getOrDefault(c, 0)) / (double) draws);
        }
        return propensities;
    }
}
