package dev.casebook.bench;

import dev.casebook.memory.VectorQuery;
import java.util.List;
import java.util.UUID;

/** One way of searching a built index: a row of the retrieval benchmark's table ({@link RetrievalStore#searchers}). */
interface Searcher {
    /** The name in the result table, e.g. {@code lucene-hnsw}; no spaces. */
    String name();

    /** The ids of the {@code query.k()} nearest cases, best first. */
    List<UUID> search(VectorQuery query) throws Exception;
}
