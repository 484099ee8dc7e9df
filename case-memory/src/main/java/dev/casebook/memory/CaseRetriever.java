package dev.casebook.memory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The read side of case memory.
 *
 * <p>Rules every implementation keeps: a read never returns a case of another tenant than the filter's; an empty
 * store returns empty results, not errors; a query vector whose length differs from {@link #dimension()} is rejected
 * with an {@link IllegalArgumentException} naming both dimensions.
 */
public interface CaseRetriever {

    /** The embedding dimension this store was built with. */
    int dimension();

    /** Nearest cases by cosine similarity, best first; scores are cosine similarities in [-1, 1]. */
    List<ScoredCase> search(VectorQuery query);

    /** Vector and BM25 results fused by reciprocal rank, best first. */
    List<ScoredCase> hybridSearch(HybridQuery query);

    Optional<Case> get(String tenant, UUID id);

    /**
     * The cases of {@code ids} that exist for the tenant, each once, in the order of first mention: what {@link #get}
     * returns for each, with the ids unknown for the tenant (or another tenant's) left out. The pgvector store reads
     * them in one statement; this default looks each up.
     */
    default List<Case> getAll(String tenant, Collection<UUID> ids) {
        Map<UUID, Optional<Case>> read = new LinkedHashMap<>();
        ids.forEach(id -> read.computeIfAbsent(id, x -> get(tenant, x)));
        return read.values().stream().flatMap(Optional::stream).toList();
    }

    /**
     * The embedding case {@code id} was stored with (a copy); empty when the case does not exist or is another
     * tenant's. Lets a late write reuse the vector of a case instead of embedding its text again.
     */
    Optional<float[]> embedding(String tenant, UUID id);

    /**
     * The evidence of a case, oldest first: every outcome that reached it. Empty when the case does not exist or is
     * another tenant's; a case that exists has at least one event.
     */
    List<Evidence> history(String tenant, UUID id);

    /** The cases the filter admits, newest first. */
    CasePage list(CaseFilter filter, int offset, int limit);

    long count(CaseFilter filter);
}
