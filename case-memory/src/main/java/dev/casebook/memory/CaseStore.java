package dev.casebook.memory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Case memory with writes. Writes are atomic per case: a concurrent reader sees a case either before or after a
 * write, never half-written. Several threads may write at once; no write is lost.
 */
public interface CaseStore extends CaseRetriever, AutoCloseable {

    /**
     * Stores a new case with its embedding and its evidence (at least one event). Rejects a vector of the wrong
     * dimension and an id that already exists. The case is stored as given: its fields are not derived here.
     */
    Case add(Case value, float[] embedding, List<Evidence> evidence);

    /** Stores a new case whose only evidence is its own state ({@link Evidence#ofState}). */
    default Case add(Case value, float[] embedding) {
        return add(value, embedding, List.of(Evidence.ofState(value)));
    }

    /**
     * Stores many new cases, each with its embedding, and returns them as stored, in input order (imports, bulk
     * loads). The Lucene and pgvector stores do it atomically in one commit (all or none); this default adds them one
     * by one and is not atomic.
     */
    default List<Case> addAll(List<Case> values, List<float[]> embeddings) {
        return addAll(values, embeddings, values.stream().map(v -> List.of(Evidence.ofState(v))).toList());
    }

    /** As {@link #addAll(List, List)}, each case with its evidence (at least one event each). */
    List<Case> addAll(List<Case> values, List<float[]> embeddings, List<List<Evidence>> evidence);

    /**
     * How a case's fields follow from its evidence ({@link CaseEvidence#derive}); the store applies it inside the
     * write that appends the evidence, so no concurrent write sees a half-derived case.
     */
    @FunctionalInterface
    interface Derivation {
        Case apply(Case current, List<Evidence> events);
    }

    /**
     * Appends one event to a case's evidence and rewrites the case as {@code derive} says, atomically (the case is
     * locked while its evidence is read, derived and written). Empty when the case does not exist for the tenant.
     */
    Optional<Case> addEvidence(String tenant, UUID id, Evidence evidence, Derivation derive);

    /**
     * An episode to merge: {@code fresh} is the case it becomes when memory holds no near-duplicate of it;
     * {@code candidates} says which cases may absorb it (tenant, bank, source), {@code threshold} how similar
     * (cosine of the embeddings) a case must be to count as a near-duplicate.
     */
    record Merge(Case fresh, float[] embedding, Evidence evidence, CaseFilter candidates, double threshold,
                 Derivation derive) {
        public Merge {
            Objects.requireNonNull(fresh, "fresh");
            Objects.requireNonNull(embedding, "embedding");
            Objects.requireNonNull(evidence, "evidence");
            Objects.requireNonNull(candidates, "candidates");
            Objects.requireNonNull(derive, "derive");
            if (!candidates.tenant().equals(fresh.tenant())) {
                throw new IllegalArgumentException("candidates of tenant " + candidates.tenant()
                        + " cannot absorb a case of tenant " + fresh.tenant());
            }
            if (Double.isNaN(threshold) || threshold <= 0 || threshold > 1) {
                throw new IllegalArgumentException("threshold must be within (0, 1], was " + threshold);
            }
        }
    }

    /** What {@link #merge} did: the case as written, and whether it existed before (absorbed the episode). */
    record Merged(Case value, boolean existed) {
    }

    /**
     * Writes an episode atomically per (tenant, {@link TaskKey} of its task): no other merge of the same task key
     * runs in between (on PostgreSQL across replicas). When case {@code fresh.id()} exists (the episode was merged
     * before, e.g. a task run again after a restart) or a candidate is a near-duplicate, the event is appended to
     * that case, which is derived anew; otherwise {@code fresh} is added, derived from its one event. Concurrent
     * episodes of one task therefore end in one case holding every episode's evidence.
     */
    Merged merge(Merge merge);

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

    /**
     * Counts one use of each case {@code ids} names, and one success each when {@code success}: the credit of the
     * cases an episode was shown, in one write. As {@link #adjustCounts(String, List, int, int)} with deltas 1 and
     * 1 or 0.
     */
    default List<Case> recordUses(String tenant, List<UUID> ids, boolean success) {
        return adjustCounts(tenant, ids, 1, success ? 1 : 0);
    }

    /**
     * Adjusts the counts of each case {@code ids} names by the given deltas, as {@link #adjustCounts(String, UUID,
     * int, int)} does for one, atomically per case: no concurrent write of a case loses an increment. An id named
     * twice is adjusted twice; an id that does not exist for the tenant is skipped. Returns the cases written, each
     * once, in the order of their first mention, with their counts after the whole batch. The Lucene store writes
     * the batch under one lock with one look-up of the index, the pgvector store in one statement; this default
     * adjusts them one by one.
     *
     * @throws IllegalArgumentException when a case's counts would become impossible; the stores that override this
     *                                  write none of the batch then, this default the cases before it
     */
    default List<Case> adjustCounts(String tenant, List<UUID> ids, int usesDelta, int successesDelta) {
        Map<UUID, Case> written = new LinkedHashMap<>();
        for (UUID id : ids) {
            adjustCounts(tenant, id, usesDelta, successesDelta).ifPresent(c -> written.put(c.id(), c));
        }
        return List.copyOf(written.values());
    }

    /** How many times each id occurs in {@code ids}, in the order of first mention (for batch count updates). */
    static Map<UUID, Integer> occurrences(List<UUID> ids) {
        Map<UUID, Integer> times = new LinkedHashMap<>();
        for (UUID id : ids) {
            times.merge(Objects.requireNonNull(id, "id"), 1, Integer::sum);
        }
        return times;
    }

    /**
     * Marks the case {@link Case#confirmed() confirmed} by a real outcome; atomic, idempotent. A {@link Case#refuted()
     * refuted} case is returned unchanged. Empty when the case does not exist for the tenant.
     */
    Optional<Case> confirm(String tenant, UUID id);

    /**
     * Marks an unconfirmed synthetic case {@link Case#refuted() refuted} by a rated real failure; atomic, idempotent.
     * A confirmed, real or sandbox case is returned unchanged (a confirmed case is never refuted, and
     * {@link #confirm} leaves a refuted case unconfirmed). Empty when the case does not exist for the tenant.
     */
    Optional<Case> refute(String tenant, UUID id);

    /**
     * Undoes a refutation (a person judged the rating that refuted the case a mistake): the case is not
     * {@link Case#refuted() refuted} any more and stays an unconfirmed synthetic case, so selection shows it again and
     * a later rated real failure may {@link #refute} it again; atomic, idempotent (a case that is not refuted is
     * returned unchanged). Empty when the case does not exist for the tenant.
     */
    Optional<Case> reinstate(String tenant, UUID id);

    /** True when the case existed and is gone. */
    boolean delete(String tenant, UUID id);

    @Override
    void close();
}
