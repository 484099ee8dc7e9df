package dev.casebook.memory.policy.learned;

import java.time.Duration;

/**
 * Trains in the caller's thread: {@link #observe} adds the episode's examples and trains the steps they earned
 * before it returns, so a run is a deterministic function of its seed. For simulations and tests, whose episodes
 * take a millisecond; a server trains in the background ({@link BackgroundTrainer}).
 */
final class InlineTrainer implements PolicyTrainer {

    private final ReplayTrainer core;
    private boolean closed;

    InlineTrainer(ReplayTrainer core) {
        this.core = core;
    }

    @Override
    public synchronized void observe(Observation observation) {
        if (closed || observation.selected().isEmpty()) {
            return;
        }
        core.admit(observation);
        core.trainEarnedSteps();
        core.saveIfDue();
    }

    @Override
    public boolean awaitIdle(Duration timeout) {
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        core.save();
    }
}
