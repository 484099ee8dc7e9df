package dev.casebook.memory;

import java.util.Optional;
import java.util.UUID;

/**
 * Case memory with writes. Writes are atomic per case: a concurrent reader sees a case either before or after a
 * write, never half-written. Several threads may write at once; no write is lost.
 */
public interface CaseStore extends CaseRetriever, AutoCloseable {

    /**
     * Stores a new case with its embedding. Rejects a vector of the wrong dimension and an id that already exists.
     */
    Case add(Case value, float[] embedding);

    /** Replaces plan, answer, reward and label of an existing case; empty when the case does not exist. */
    Optional<Case> updateOutcome(String tenant, UUID id, String plan, String answer, double reward, CaseLabel label);

    /** Replaces the label only; empty when the case does not exist. */
    Optional<Case> relabel(String tenant, UUID id, CaseLabel label);

    /** Counts one more use of the case, and one more success when {@code success}; atomic. */
    Optional<Case> recordUse(String tenant, UUID id, boolean success);

    /** Adjusts counts by the given deltas (a late reward turns a counted use into a success); atomic. */
    Optional<Case> adjustCounts(String tenant, UUID id, int usesDelta, int successesDelta);

    /** True when the case existed and is gone. */
    boolean delete(String tenant, UUID id);

    @Override
    void close();
}
