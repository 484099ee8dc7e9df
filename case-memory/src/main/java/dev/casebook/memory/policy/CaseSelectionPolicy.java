package dev.casebook.memory.policy;

import java.util.List;

/**
 * The M-MDP action: picks the past cases the planner sees. Never returns more than {@code k} cases, never a case
 * the request's filter does not admit, and returns an empty list on an empty store.
 */
public interface CaseSelectionPolicy {

    /** The policy's name as used in configuration and on the wire ({@code similarity}, {@code learned}). */
    String name();

    List<SelectedCase> select(SelectionRequest request);

    /**
     * Tells the policy how an episode that used {@code selected} was rewarded. Non-learning policies ignore it;
     * learning ones must return quickly (train in the background).
     */
    default void observe(float[] state, List<SelectedCase> selected, double reward) {
    }

    /**
     * As {@link #observe(float[], List, double)}, the episode counting {@code weight} in training: 1 for a real or
     * validated reward, less for one the experience model gave a dream; 0 drops it. Policies that do not weigh
     * episodes observe it as any other when the weight is positive.
     */
    default void observe(float[] state, List<SelectedCase> selected, double reward, double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be within [0, 1], was " + weight);
        }
        if (weight > 0) {
            observe(state, selected, reward);
        }
    }
}
