package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.VectorQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A store the retrieval benchmark measures. To add one, implement this and add its {@link Factory} to
 * {@link RetrievalBench#STORES}.
 */
interface RetrievalStore extends Searcher, AutoCloseable {

    /**
     * Opens a store for vectors of {@code dimension} at {@code location}: empty, or, when
     * {@link Location#reuse()}, the index a finished build left there; {@code args} are the benchmark's
     * command-line arguments.
     */
    @FunctionalInterface
    interface Factory {
        RetrievalStore open(int dimension, Location location, BenchArgs args) throws Exception;
    }

    /**
     * Where a store puts its index: {@code dir}, a directory of its own (empty unless {@code reuse}), and
     * {@code schema}, the PostgreSQL schema to keep the table in, or null for a fresh schema dropped on close.
     * {@code reuse}: the index is already built there ({@code --index-dir}); the store is opened, not loaded.
     */
    record Location(Path dir, String schema, boolean reuse) {
        public Location {
            if (reuse && schema == null) {
                throw new IllegalArgumentException("a reused location names its schema");
            }
        }

        static Location scratch(Path dir) {
            return new Location(dir, null, false);
        }
    }

    /** The name in the result table, e.g. {@code lucene-hnsw}; the row of a build-only run. */
    @Override
    String name();

    /** Bulk-loads the cases with their vectors; timed, and reported as import throughput. */
    void load(List<Case> cases, List<float[]> vectors) throws Exception;

    /** Whatever the store does after a bulk load to be ready for queries (merging, index build); timed apart. */
    default void prepare() throws Exception {
    }

    /** The read side under test; the benchmark calls {@code search} with top-10 queries. */
    CaseRetriever retriever();

    /** The ids of the {@code query.k()} nearest cases, best first: a search through {@link #retriever()}. */
    @Override
    default List<UUID> search(VectorQuery query) throws Exception {
        return retriever().search(query).stream().map(hit -> hit.value().id()).toList();
    }

    /**
     * The ways of searching the built index that are measured, each a row, in order: the store itself unless it takes
     * a list of search settings (pgvector's {@code --ef-search}), all on the one build. They belong to the store and
     * are closed with it.
     */
    default List<? extends Searcher> searchers() throws Exception {
        return List.of(this);
    }

    /**
     * Bytes the store keeps for the loaded cases: {@code searched}, what a vector search reads (the index and the
     * vectors it compares: the part that must stay in memory for searches to be fast), and {@code disk}, everything
     * on disk. Either is -1 when the store cannot tell.
     */
    record Footprint(long searched, long disk) {
    }

    /** Measured after {@link #prepare()}. */
    default Footprint footprint() throws Exception {
        return new Footprint(-1, -1);
    }

    @Override
    void close() throws Exception;
}
