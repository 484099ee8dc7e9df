package dev.casebook.memory.pgvector;

/**
 * How broadly {@link PgVectorCaseStore} searches its HNSW index: {@code efSearch} is pgvector's {@code hnsw.ef_search},
 * the candidate list of a scan, set for each search statement (never for the session). A query for more than
 * {@code efSearch} cases scans with a list of its k; one for more than {@link #MAX_EF_SEARCH} is answered exactly.
 * Larger lists find more of the true nearest cases and cost more time per search; what recall a value gives depends
 * on the data and on the index's build parameters ({@code m}, {@code ef_construction}), so it is measured, not guessed
 * ({@code ./casebook bench retrieval --ef-search=100,200,400}).
 *
 * @param efSearch the candidate list size, within [1, {@value #MAX_EF_SEARCH}] (pgvector's own bounds)
 */
public record HnswSearch(int efSearch) {
    /** The default candidate list (pgvector's own default is 40; recall@10 needs more). */
    public static final int DEFAULT_EF_SEARCH = 200;
    /** pgvector's largest {@code hnsw.ef_search}; a larger k is answered by an exact scan. */
    public static final int MAX_EF_SEARCH = 1000;
    /** {@value #DEFAULT_EF_SEARCH} candidates. */
    public static final HnswSearch DEFAULT = new HnswSearch(DEFAULT_EF_SEARCH);

    public HnswSearch {
        if (efSearch < 1 || efSearch > MAX_EF_SEARCH) {
            throw new IllegalArgumentException("hnsw.ef_search must be within [1, " + MAX_EF_SEARCH
                    + "] (pgvector's bounds), was " + efSearch);
        }
    }

    /** The candidate list of a search for {@code k} cases: at least k. */
    int candidates(int k) {
        return Math.max(efSearch, k);
    }
}
