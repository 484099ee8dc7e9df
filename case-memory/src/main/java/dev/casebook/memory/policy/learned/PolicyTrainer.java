package dev.casebook.memory.policy.learned;

import dev.casebook.memory.policy.SelectedCase;
import java.time.Duration;
import java.util.List;

/** Where the learned policy's training runs: {@link LearnedPolicy.TrainingMode}. */
sealed interface PolicyTrainer extends AutoCloseable permits BackgroundTrainer, InlineTrainer {

    /** Takes in an episode's outcome: queued (background) or trained at once (inline). */
    void observe(float[] state, List<SelectedCase> selected, double reward);

    /** Waits until every observed episode is in the replay buffer and trained; false when {@code timeout} passed. */
    boolean awaitIdle(Duration timeout) throws InterruptedException;

    /** Stops training and saves a last checkpoint. */
    @Override
    void close();

    /** An episode's outcome as observed; the cases carry the counts and labels of selection time. */
    record Observation(float[] state, List<SelectedCase> selected, double reward) {
        public Observation {
            state = state.clone();
            selected = List.copyOf(selected);
        }
    }
}
