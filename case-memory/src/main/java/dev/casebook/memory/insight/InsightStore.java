package dev.casebook.memory.insight;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where insights live (beside a case store, in storage of their own). Rules every implementation keeps
 * ({@code InsightStoreContractIT}):
 * <ul>
 * <li>{@link #save} inserts or replaces by id; an insight's id never moves to another tenant ({@link
 * IllegalArgumentException}).</li>
 * <li>A centroid must have the store's dimension ({@code vector has dimension 3, but the store holds vectors of
 * dimension 8}), finite numbers and not be zero.</li>
 * <li>{@link #nearest} ranks by cosine between the task and each centroid, exactly; an empty store, or no insight
 * above the threshold, gives an empty list. Reads see every write that returned before them.</li>
 * <li>Every read and write is confined to one tenant, but {@link #pending()}, read once when the server starts.</li>
 * </ul>
 * Infrastructure failures are {@link dev.casebook.memory.StoreException}s.
 */
public interface InsightStore extends AutoCloseable {

    /** Inserts the insight, or replaces the one with its id; returns it. */
    Insight save(Insight insight);

    /** The insights of the task's family, best first (see the class). */
    List<ScoredInsight> nearest(InsightQuery query);

    Optional<Insight> get(String tenant, UUID id);

    /** All insights of a tenant, newest first. */
    List<Insight> list(String tenant);

    /** Removes the insight; false when the tenant has none with that id. */
    boolean delete(String tenant, UUID id);

    /**
     * Records that the family of a rated case waits for a distillation, so that work queued when the server stops is
     * found again ({@link #pending()}); recording it again keeps one record, its first time.
     */
    void addPending(String tenant, UUID caseId);

    /** Forgets a pending distillation (done, or covered by another); nothing when none is recorded. */
    void removePending(String tenant, UUID caseId);

    /** Every tenant's pending distillations, oldest first. */
    List<PendingDistillation> pending();

    int dimension();

    @Override
    void close();
}
