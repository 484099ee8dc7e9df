package dev.casebook.server.agent;

import dev.casebook.memory.policy.SelectionRequest;

/**
 * Whether a tenant's tasks may be shown synthetic (dream) cases right now, beyond the server's fixed setting
 * ({@code casebook.memory.include-synthetic}): the experience synthesis closes it while the experience model's
 * measured reward agreement is below its minimum; and how much an unconfirmed one is trusted when it is. Implementations are thread-safe and cheap to ask.
 */
@FunctionalInterface
public interface SourceGate {
    /** Synthetic cases are always selectable (when the server's setting allows them). */
    SourceGate OPEN = tenant -> true;

    boolean syntheticSelectable(String tenant);

    /**
     * The factor by which the similarity of a synthetic case that no real outcome confirmed yet is multiplied when a
     * task's cases are selected ({@code casebook.synthesis.synthetic-prior}); 1 leaves it as it is.
     */
    default double syntheticPrior() {
        return 1;
    }

    /**
     * At most this many synthetic cases that no real outcome confirmed yet among the K a task is shown
     * ({@code casebook.synthesis.max-provisional}); {@link SelectionRequest#NO_QUOTA} for no bound.
     */
    default int maxProvisional() {
        return SelectionRequest.NO_QUOTA;
    }

    /**
     * Whether a real task's rated reward below 0.5 refutes the unconfirmed synthetic cases it was shown
     * ({@code casebook.synthesis.refute}), so that they are not shown again.
     */
    default boolean refute() {
        return true;
    }
}
