package dev.casebook.tools.tasks;

import java.util.Objects;
import java.util.Set;

/**
 * Whether a generated task is kept: its validator must pass the reference solution's result and fail an untouched
 * workspace (a no-op). {@code Discarded} carries a stable reason and a detail with what the programs printed.
 */
public sealed interface Verification {

    /**
     * The task is usable.
     *
     * @param referenceAnswer what the reference solution printed (its final answer)
     * @param reference       the validator's verdict on the reference's result
     * @param noop            the validator's verdict on the untouched workspace
     */
    record Kept(String referenceAnswer, Verdict.Passed reference, Verdict.Failed noop) implements Verification {
        public Kept {
            Objects.requireNonNull(referenceAnswer, "referenceAnswer");
            Objects.requireNonNull(reference, "reference");
            Objects.requireNonNull(noop, "noop");
        }
    }

    /** The task is not usable; {@code reason} is one of {@link #REASONS}. */
    record Discarded(String reason, String detail) implements Verification {
        public Discarded {
            if (!REASONS.contains(reason)) {
                throw new IllegalArgumentException("unknown discard reason '" + reason + "'; reasons: " + REASONS);
            }
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * {@code reference_failed}: the reference solution itself failed (non-zero exit, crash, time-out, network);
     * {@code reference_rejected}: the validator failed the reference's result; {@code noop_passed}: the validator
     * passed a workspace where nothing was done; {@code near_miss_passed}: the validator passed the result of a
     * plausible wrong solution written with the task; {@code validator_crashed}, {@code validator_timed_out},
     * {@code validator_killed}, {@code validator_network}: the validator did not work ({@link Verdict.Broken}).
     */
    Set<String> REASONS = Set.of("reference_failed", "reference_rejected", "noop_passed", "near_miss_passed",
            "validator_crashed",
            "validator_timed_out", "validator_killed", "validator_network");
}
