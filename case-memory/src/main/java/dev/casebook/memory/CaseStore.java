package dev.casebook.memory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

    /**
     * Stores many new cases, each with its embedding, and returns them as stored, in input order (imports, bulk
     * loads). The Lucene and pgvector stores do it atomically in one commit (all or none); this default adds them one
     * by one and is not atomic.
     */
    default List<Case> addAll(List<Case> values, List<float[]> embeddings) {
        requireBatch(values, embeddings);
        List<Case> stored = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            stored.add(add(values.get(i), embeddings.get(i)));
        }
        return stored;
    }

    /**
     * The rules of a batch for {@link #addAll}, checked before anything is written: one embedding per case
     * ({@code 3 cases but 2 embeddings; they must pair up}) and no id twice ({@code case <id> appears twice in the
     * batch}).
     */
    static void requireBatch(List<Case> values, List<float[]> embeddings) {
        if (values.size() != embeddings.size()) {
            throw new IllegalArgumentException(
                    values.size() + " cases but " + embeddings.size() + " embeddings; they must pair up");
        }
        Set<UUID> ids = new HashSet<>();
        for (Case value : values) {
            if (!ids.add(value.id())) {
                throw new IllegalArgumentException("case " + value.id() + " appears twice in the batch");
            }
        }
    }

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
