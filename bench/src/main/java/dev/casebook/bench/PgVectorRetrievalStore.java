package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.EmbeddingSpace;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * {@link dev.casebook.memory.pgvector.PgVectorCaseStore} in a fresh schema migrated by Flyway, bulk-loaded the way
 * pgvector recommends: the migration's HNSW index is dropped, the rows are inserted with {@code addAll} in chunks of
 * 10,000, and {@link #prepare()} builds the same index again ({@code m=16, ef_construction=64}) and analyses the
 * table. The import column is the inserts alone; the index build is the prepare column. ({@code ./casebook bench
 * import} measures imports into the indexed table, as a running server does them.)
 */
final class PgVectorRetrievalStore implements RetrievalStore {
    private static final int CHUNK = 10_000;
    private final PgVectorSchema schema;

    PgVectorRetrievalStore(int dimension) {
        this.schema = PgVectorSchema.create("retrieval", new EmbeddingSpace("bench", dimension));
    }

    @Override
    public String name() {
        return "pgvector-hnsw(ef=" + dev.casebook.memory.pgvector.PgVectorCaseStore.EF_SEARCH + ")";
    }

    @Override
    public void load(List<Case> cases, List<float[]> vectors) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("DROP INDEX cases_embedding_hnsw");
        }
        for (int from = 0; from < cases.size(); from += CHUNK) {
            int to = Math.min(cases.size(), from + CHUNK);
            schema.store().addAll(cases.subList(from, to), vectors.subList(from, to));
        }
    }

    @Override
    public void prepare() throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '1GB'");
            s.execute("CREATE INDEX cases_embedding_hnsw ON cases USING hnsw (embedding vector_cosine_ops)");
            s.execute("VACUUM ANALYZE cases");
        }
    }

    @Override
    public CaseRetriever retriever() {
        return schema.store();
    }

    @Override
    public void close() {
        schema.close();
    }
}
