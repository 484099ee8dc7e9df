package dev.casebook.memory.pgvector;

import java.util.List;
import java.util.Objects;

/**
 * How {@link PgVectorCaseStore}'s statements scan the HNSW index: as broadly as the store was opened to search and,
 * where the server's pgvector supports it (0.8+, found by {@link CasesTable#check} when the store opens), iteratively
 * in strict distance order, so that a filter does not starve the result.
 *
 * @param breadth   the candidate list of each scan
 * @param iterative whether the server's pgvector supports iterative index scans
 */
record HnswScan(HnswSearch breadth, boolean iterative) {
    HnswScan {
        Objects.requireNonNull(breadth, "breadth");
    }

    /**
     * Appends the statement that sets up the scan of a search for {@code k} cases for the rest of its transaction,
     * ending in a new line, and adds its one parameter, the candidate list ({@link HnswSearch#candidates}). Besides
     * the HNSW settings it turns off, for the search alone, PostgreSQL's JIT compilation and parallel workers: the
     * exact branch a search carries for a short index answer is costed as a scan of the whole table, which on a large
     * table crosses {@code jit_above_cost} and the parallel thresholds, so every search paid for compiling and
     * starting workers for a branch it does not run (about 50 and 65 ms a search at a million cases, against 3-4 ms
     * for the index scan; docs/performance.md).
     */
    void appendSettings(StringBuilder sql, List<Object> params, int k) {
        sql.append("select set_config('hnsw.ef_search', ?, true)")
                .append(iterative ? ", set_config('hnsw.iterative_scan', 'strict_order', true)" : "")
                .append(", set_config('jit', 'off', true)")
                .append(", set_config('max_parallel_workers_per_gather', '0', true);\n");
        params.add(Integer.toString(breadth.candidates(k)));
    }
}
