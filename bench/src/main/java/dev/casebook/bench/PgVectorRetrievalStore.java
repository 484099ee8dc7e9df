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
    private final String maintenanceWorkMem;

    /**
     * {@code maintenanceWorkMem}: the session's {@code maintenance_work_mem} for the index build (the server's
     * setting is not changed); pgvector builds the graph much faster while it fits.
     */
    PgVectorRetrievalStore(int dimension, Location location, String maintenanceWorkMem) throws Exception {
        this.schema = PgVectorSchema.at(location, "retrieval", new EmbeddingSpace("bench", dimension));
        this.maintenanceWorkMem = maintenanceWorkMem;
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
            s.execute("SET maintenance_work_mem = '" + maintenanceWorkMem + "'");
            s.execute("CREATE INDEX cases_embedding_hnsw ON cases USING hnsw (embedding vector_cosine_ops)");
            printWarnings(s);
            s.execute("VACUUM ANALYZE cases");
        }
    }

    /** What PostgreSQL said during an index build, e.g. pgvector's notice that the graph outgrew the memory. */
    static void printWarnings(Statement statement) throws java.sql.SQLException {
        for (java.sql.SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
            System.out.println("  postgresql: " + w.getMessage());
        }
    }

    @Override
    public CaseRetriever retriever() {
        return schema.store();
    }

    @Override
    public Footprint footprint() throws Exception {
        return footprint(schema, "cases_embedding_hnsw");
    }

    /** Searched: the HNSW index (which holds the vectors it compares); disk: the table with all its indexes. */
    static Footprint footprint(PgVectorSchema schema, String index) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
             java.sql.ResultSet sizes = s.executeQuery("SELECT pg_relation_size('" + index + "'), "
                     + "pg_total_relation_size('cases')")) {
            sizes.next();
            return new Footprint(sizes.getLong(1), sizes.getLong(2));
        }
    }

    /** A vector as pgvector's text form, {@code [0.1,0.2,...]}. */
    static String literal(float[] vector) {
        StringBuilder text = new StringBuilder(vector.length * 12).append('[');
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(vector[i]);
        }
        return text.append(']').toString();
    }

    @Override
    public void close() {
        schema.close();
    }
}
