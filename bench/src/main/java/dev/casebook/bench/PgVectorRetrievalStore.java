package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.pgvector.HnswSearch;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@link PgVectorCaseStore} in a fresh schema migrated by Flyway, bulk-loaded the way pgvector recommends: the
 * migration's HNSW index is dropped, the rows are copied with {@code copyAll} ({@code COPY}, the rows {@code addAll}
 * writes) in chunks of 50,000, and
 * {@link #prepare()} builds the index again with the {@link HnswBuild} parameters (by default the migration's,
 * {@code m=16, ef_construction=64}) and analyses the table. The import column is the inserts alone; the index build
 * is the prepare column. ({@code ./casebook bench import} measures imports into the indexed table, as a running
 * server does them.) The built index is searched once per {@code hnsw.ef_search} value ({@link #searchers()}), each a
 * store of its own on the same table, as the server's {@code casebook.memory.pgvector.ef-search} would search it.
 */
final class PgVectorRetrievalStore implements RetrievalStore {
    private static final int CHUNK = 50_000;
    private final PgVectorSchema schema;
    private final String maintenanceWorkMem;
    private final HnswBuild build;
    private final List<HnswSearch> scans;
    private PgVectorCaseStore searching;

    /**
     * {@code maintenanceWorkMem}: the session's {@code maintenance_work_mem} for the index build (the server's
     * setting is not changed); pgvector builds the graph much faster while it fits. {@code build}: the index's
     * parameters (of an index built here; a kept one was built with those its name says, {@link HnswBuild#keptName}).
     * {@code scans}: the searches measured on it, at least one.
     */
    PgVectorRetrievalStore(int dimension, Location location, String maintenanceWorkMem, HnswBuild build,
            List<HnswSearch> scans) throws Exception {
        if (scans.isEmpty()) {
            throw new IllegalArgumentException("--ef-search needs at least one value");
        }
        this.build = build;
        this.scans = List.copyOf(scans);
        this.schema = PgVectorSchema.at(location, "retrieval", new EmbeddingSpace("bench", dimension));
        this.maintenanceWorkMem = maintenanceWorkMem;
    }

    @Override
    public String name() {
        return "pgvector-hnsw(" + build.label() + ")";
    }

    /**
     * One searcher per {@code hnsw.ef_search} value, named {@code pgvector-hnsw(m=16,efc=64,ef=200)}, each searching
     * through a store of its own on the table; only one of them is open at a time (each has a connection pool), the
     * previous one closed when the next one searches.
     */
    @Override
    public List<Searcher> searchers() {
        List<Searcher> searchers = new ArrayList<>();
        for (HnswSearch scan : scans) {
            String name = "pgvector-hnsw(" + build.label() + ",ef=" + scan.efSearch() + ")";
            searchers.add(new Searcher() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public List<UUID> search(VectorQuery query) {
                    return storeFor(scan).search(query).stream().map(hit -> hit.value().id()).toList();
                }
            });
        }
        return searchers;
    }

    private PgVectorCaseStore storeFor(HnswSearch scan) {
        if (searching == null || !searching.scan().equals(scan)) {
            closeSearching();
            searching = schema.open(scan);
        }
        return searching;
    }

    private void closeSearching() {
        if (searching != null) {
            PgVectorCaseStore open = searching;
            searching = null;
            open.close();
        }
    }

    @Override
    public void load(List<Case> cases, List<float[]> vectors) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("DROP INDEX cases_embedding_hnsw");
        }
        for (int from = 0; from < cases.size(); from += CHUNK) {
            int to = Math.min(cases.size(), from + CHUNK);
            schema.store().copyAll(cases.subList(from, to), vectors.subList(from, to));
        }
    }

    @Override
    public void prepare() throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("SET maintenance_work_mem = '" + maintenanceWorkMem + "'");
            s.execute("CREATE INDEX cases_embedding_hnsw ON cases USING hnsw (embedding vector_cosine_ops)"
                    + build.with());
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
        try {
            closeSearching();
        } finally {
            schema.close();
        }
    }
}
