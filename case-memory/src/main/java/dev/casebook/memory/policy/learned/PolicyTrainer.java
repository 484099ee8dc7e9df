package dev.casebook.memory.policy.learned;

import dev.casebook.memory.policy.SelectedCase;
import java.time.Duration;
import java.util.List;

/** Where the learned policy's training runs: {@link LearnedPolicy.TrainingMode}. */
sealed interface PolicyTrainer extends AutoCloseable permits BackgroundTrainer, InlineTrainer {

    /** Takes in an episode's outcome: queued (background) or trained at once (inline). */
    void observe(Observation observation);

    /** Waits until every observed episode is in the replay buffer and trained; false when {@code timeout} passed. */
    boolean awaitIdle(Duration timeout) throws InterruptedException;

    /** Stops training and saves a last checkpoint. */
    @Override
    void close();

    /**
     * An episode's outcome as observed; the cases carry the counts and labels of selection time,
     * {@code propensities} the probability that the selection would include each of them (1 when not estimated),
     * and {@code weight} how much the episode counts in training (1 for a real or validated reward, less for a
     * simulated one).
     */
    record Observation(float[] state, List<SelectedCase> selected, double reward, double[] propensities,
                       double weight) {
        Observation(float[] state, List<SelectedCase> selected, double reward, double[] propensities) {
            this(state, selected, reward, propensities, 1);
        }

        public Observation {
            if (!(weight > 0 && weight <= 1)) {
                throw new IllegalArgumentException("weight must be within (0, 1], was " + weight);
            }
            state = state.clone();
            selected = List.copyOf(selected);
            if (propensities.length != selected.size()) {
                throw new IllegalArgumentException("need one propensity per selected case: " + propensities.length
                        + " propensities, " + selected.size() + " cases");
            }
            propensities = propensities.clone();
        }
    }
}
