package dev.casebook.memory.policy.learned;

import java.util.List;

/**
 * Where the learned policy keeps its replay examples across restarts. {@link #append} is called from the trainer
 * thread, never from a task's; a failure is logged and the example stays in memory only.
 */
public interface ReplayLog {

    /** Keeps nothing. */
    ReplayLog NONE = new ReplayLog() {
        @Override
        public void append(ReplayExample example) {
        }

        @Override
        public List<ReplayExample> recent(int limit) {
            return List.of();
        }

        @Override
        public int deleteTenant(String tenant) {
            return 0;
        }
    };

    void append(ReplayExample example);

    /** At most {@code limit} of the newest examples, oldest first. */
    List<ReplayExample> recent(int limit);

    /** Deletes every example of {@code tenant}; returns how many there were. */
    int deleteTenant(String tenant);
}
