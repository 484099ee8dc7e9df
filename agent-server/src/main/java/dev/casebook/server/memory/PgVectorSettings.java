package dev.casebook.server.memory;

import dev.casebook.memory.pgvector.HnswSearch;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the pgvector case store searches, bound from {@code casebook.memory.pgvector.*} (used with
 * {@code casebook.memory.store=pgvector}).
 *
 * @param efSearch pgvector's {@code hnsw.ef_search} for each search (default 200): the HNSW candidate list; larger
 *                 finds more of the true nearest cases and costs more per search. Within [1, 1000], pgvector's bounds
 */
@ConfigurationProperties("casebook.memory.pgvector")
record PgVectorSettings(Integer efSearch) {

    PgVectorSettings {
        efSearch = efSearch == null ? HnswSearch.DEFAULT_EF_SEARCH : efSearch;
        if (efSearch < 1 || efSearch > HnswSearch.MAX_EF_SEARCH) {
            throw new IllegalArgumentException("casebook.memory.pgvector.ef-search must be within [1, "
                    + HnswSearch.MAX_EF_SEARCH + "] (pgvector's bounds of hnsw.ef_search), was " + efSearch);
        }
    }

    HnswSearch scan() {
        return new HnswSearch(efSearch);
    }
}
