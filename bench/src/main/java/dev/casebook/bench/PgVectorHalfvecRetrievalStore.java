package dev.casebook.bench;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.VectorQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * pgvector with a half-precision HNSW index and a rescoring query: the rows as {@link PgVectorRetrievalStore} loads
 * them, but the index is an expression index on {@code embedding::halfvec(N)} ({@code halfvec_cosine_ops}, half the
 * memory of the {@code vector} index), and a search takes the {@code candidates} nearest by the half-precision
 * distance from the index, then orders those by the exact {@code vector} distance:
 * <pre>
 * SELECT id FROM (SELECT id, embedding FROM cases WHERE tenant = ?
 *                 ORDER BY embedding::halfvec(N) &lt;=&gt; ?::halfvec(N) LIMIT candidates) c
 * ORDER BY embedding &lt;=&gt; ?::vector LIMIT k
 * </pre>
 * with {@code hnsw.ef_search = candidates} and {@code hnsw.iterative_scan = strict_order} (filters do not starve the
 * candidate list). Measured here only: {@code PgVectorCaseStore} still searches the {@code vector} index.
 */
final class PgVectorHalfvecRetrievalStore implements RetrievalStore {
    private static final int CHUNK = 50_000;
    private final PgVectorSchema schema;
    private final int dimension;
    private final int candidates;
    private final String maintenanceWorkMem;
    private Connection connection;

    PgVectorHalfvecRetrievalStore(int dimension, Location location, int candidates, String maintenanceWorkMem)
            throws Exception {
        this.dimension = dimension;
        this.candidates = candidates;
        this.maintenanceWorkMem = maintenanceWorkMem;
        this.schema = PgVectorSchema.at(location, "halfvec", new EmbeddingSpace("bench", dimension));
    }

    @Override
    public String name() {
        return "pgvector-halfvec(c=" + candidates + ")";
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
            s.execute("CREATE INDEX cases_embedding_halfvec ON cases USING hnsw ((embedding::halfvec(" + dimension
                    + ")) halfvec_cosine_ops)");
            PgVectorRetrievalStore.printWarnings(s);
            s.execute("VACUUM ANALYZE cases");
        }
    }

    /** The search session: {@code ef_search} and the iterative scan set once. */
    private Connection connection() throws java.sql.SQLException {
        if (connection != null) {
            return connection;
        }
        connection = schema.connect();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("SET hnsw.ef_search = " + candidates);
            s.execute("SET hnsw.iterative_scan = strict_order");
        }
        connection.commit();
        return connection;
    }

    @Override
    public CaseRetriever retriever() {
        return schema.store();
    }

    @Override
    public List<UUID> search(VectorQuery query) throws Exception {
        String vector = PgVectorRetrievalStore.literal(query.vector());
        Connection session = connection();
        try (PreparedStatement select = session.prepareStatement("SELECT id FROM (SELECT id, embedding FROM cases "
                + "WHERE tenant = ? ORDER BY embedding::halfvec(" + dimension + ") <=> ?::halfvec(" + dimension
                + ") LIMIT " + candidates + ") c ORDER BY embedding <=> ?::vector LIMIT ?")) {
            select.setString(1, query.filter().tenant());
            select.setString(2, vector);
            select.setString(3, vector);
            select.setInt(4, query.k());
            List<UUID> ids = new ArrayList<>(query.k());
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            session.commit();
            return ids;
        }
    }

    @Override
    public Footprint footprint() throws Exception {
        return PgVectorRetrievalStore.footprint(schema, "cases_embedding_halfvec");
    }

    @Override
    public void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
        schema.close();
    }
}
