package dev.casebook.memory.pgvector;

import com.pgvector.PGvector;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ReciprocalRankFusion;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.TaskKey;
import dev.casebook.memory.VectorQuery;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.JDBCConnectionException;
import org.hibernate.exception.LockAcquisitionException;

/**
 * Case memory in PostgreSQL with pgvector: one row per case in the {@code cases} table that the {@code V1}
 * migration of {@code casebook-db} creates, nearest neighbours through its HNSW cosine index ({@code <=>}), keyword
 * ranking through its full-text column ({@code ts_rank} over {@code websearch_to_tsquery}, terms or-ed).
 *
 * <p>Opening checks that the table exists and that its vector column has the dimension of the embedder in use;
 * otherwise it fails with a {@link StoreException} that says which dimensions differ. Every query carries the
 * filter's tenant. Writes are transactional; count updates lock the row, so concurrent writers lose nothing.
 * HNSW search scans with {@code hnsw.ef_search} of at least {@value #EF_SEARCH} and, where pgvector supports it
 * (0.8+), iterative scans for filtered queries; a filtered query that the index still answers short is answered
 * exactly.
 */
public final class PgVectorCaseStore implements CaseStore {
    /** Candidate list size of an HNSW scan (pgvector's default is 40; recall@10 needs more). */
    public static final int EF_SEARCH = 200;
    private static final int MAX_EF_SEARCH = 1000;
    private static final int BATCH = 500;

    /** PostgreSQL records the dimension of the vector column, not the model that filled it. */
    static final String UNRECORDED_MODEL = "not recorded by PostgreSQL";

    private final SessionFactory sessions;
    private final EmbeddingSpace space;
    private final boolean iterativeScan;
    private final AutoCloseable ownedPool;

    private PgVectorCaseStore(SessionFactory sessions, EmbeddingSpace space, boolean iterativeScan,
            AutoCloseable ownedPool) {
        this.sessions = sessions;
        this.space = space;
        this.iterativeScan = iterativeScan;
        this.ownedPool = ownedPool;
    }

    /**
     * Opens the store on a data source whose schema was migrated by Flyway; the caller keeps owning the data source.
     *
     * @param space the embedder's model and dimension; the dimension must equal the table's
     * @throws StoreException when the table is missing or its vector dimension differs from the space's
     */
    public static PgVectorCaseStore open(DataSource dataSource, EmbeddingSpace space) {
        return open(dataSource, space, null);
    }

    /** As {@link #open(DataSource, EmbeddingSpace)} for an embedder known only by its dimension. */
    public static PgVectorCaseStore open(DataSource dataSource, int dimension) {
        return open(dataSource, unnamed(dimension));
    }

    /** As {@link #open(String, String, String, EmbeddingSpace)} for an embedder known only by its dimension. */
    public static PgVectorCaseStore open(String jdbcUrl, String user, String password, int dimension) {
        return open(jdbcUrl, user, password, unnamed(dimension));
    }

    private static EmbeddingSpace unnamed(int dimension) {
        return new EmbeddingSpace("unnamed", dimension);
    }

    /** Opens the store on a JDBC URL with a connection pool of its own, closed with the store. */
    public static PgVectorCaseStore open(String jdbcUrl, String user, String password, EmbeddingSpace space) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("casebook-pgvector");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to " + jdbcUrl + ": " + e.getMessage(), true, e);
        }
        try {
            return open(pool, space, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static PgVectorCaseStore open(DataSource dataSource, EmbeddingSpace space, AutoCloseable ownedPool) {
        boolean iterative = checkSchema(dataSource, space);
        fillTaskKeys(dataSource);
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "none")
                .applySetting(AvailableSettings.SHOW_SQL, false)
                .build();
        try {
            SessionFactory factory = new MetadataSources(registry).addAnnotatedClass(CaseRow.class)
                    .buildMetadata().buildSessionFactory();
            return new PgVectorCaseStore(factory, space, iterative, ownedPool);
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw new StoreException("cannot start Hibernate for the cases table: " + e.getMessage(), false, e);
        }
    }

    /** Checks table and dimension; answers whether pgvector supports iterative index scans. */
    private static boolean checkSchema(DataSource dataSource, EmbeddingSpace space) {
        try (Connection c = dataSource.getConnection()) {
            int stored;
            try (PreparedStatement s = c.prepareStatement("select a.atttypmod from pg_attribute a"
                    + " where a.attrelid = to_regclass('cases') and a.attname = 'embedding' and not a.attisdropped");
                    ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("no table 'cases' with an 'embedding' column on the search path ("
                            + searchPath(c) + ") of " + c.getMetaData().getURL()
                            + "; run the Flyway migrations of casebook-db on this schema first", false, null);
                }
                stored = rs.getInt(1);
            }
            try (PreparedStatement s = c.prepareStatement("select 1 from pg_attribute a where a.attrelid ="
                    + " to_regclass('cases') and a.attname = 'task_key' and not a.attisdropped");
                    ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("the table 'cases' (" + searchPath(c) + ") has no 'task_key' column;"
                            + " run the Flyway migrations of casebook-db (V30) on this schema first", false, null);
                }
            }
            new EmbeddingSpace(UNRECORDED_MODEL, stored).requireCompatible(space,
                    "the PostgreSQL table cases (" + searchPath(c) + ")");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select extversion from pg_extension where extname = 'vector'")) {
                return rs.next() && supportsIterativeScan(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the cases table: " + e.getMessage(), true, e);
        }
    }

    /**
     * Computes the {@link TaskKey} of every row that has none yet (rows from before the V30 migration, which gave
     * them ''), in batches in id order. The key is Java's, so that it equals the key a filter asks for; several
     * replicas opening at once write the same values.
     */
    private static void fillTaskKeys(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("select id, task from cases where task_key = ''"
                        + " and id >= ? order by id limit " + BATCH);
                PreparedStatement update = c.prepareStatement(
                        "update cases set task_key = ? where id = ? and task_key = ''")) {
            UUID after = new UUID(0, 0); // the smallest in PostgreSQL's (bytewise) order; filled rows leave the query
            while (true) {
                select.setObject(1, after);
                int rows = 0;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getObject(1, UUID.class);
                        update.setString(1, TaskKey.of(rs.getString(2)).hex());
                        update.setObject(2, after);
                        update.addBatch();
                        rows++;
                    }
                }
                if (rows == 0) {
                    return;
                }
                update.executeBatch();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot fill in the task keys of the cases table: " + e.getMessage(), true, e);
        }
    }

    private static String searchPath(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show search_path")) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }

    static boolean supportsIterativeScan(String version) {
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
        return major > 0 || minor >= 8;
    }

    @Override
    public int dimension() {
        return space.dimension();
    }

    @Override
    public Case add(Case value, float[] embedding) {
        checkVector(embedding, "embedding");
        Case stored = truncated(value);
        return inTransaction("add case " + value.id(), session -> {
            session.persist(new CaseRow(stored, embedding));
            try {
                session.flush();
            } catch (ConstraintViolationException e) {
                throw new IllegalArgumentException("case " + value.id() + " already exists", e);
            }
            return stored;
        });
    }

    /**
     * Adds many cases in one transaction with batched inserts (bulk loading, imports): all or none. Every vector is
     * checked before anything is written; ids must be new.
     */
    @Override
    public List<Case> addAll(List<Case> values, List<float[]> embeddings) {
        if (values.size() != embeddings.size()) {
            throw new IllegalArgumentException(
                    values.size() + " cases but " + embeddings.size() + " embeddings; they must pair up");
        }
        embeddings.forEach(e -> checkVector(e, "embedding"));
        Set<UUID> ids = new HashSet<>();
        for (Case value : values) {
            if (!ids.add(value.id())) {
                throw new IllegalArgumentException("case " + value.id() + " appears twice in the batch");
            }
        }
        List<Case> stored = values.stream().map(PgVectorCaseStore::truncated).toList();
        return inTransaction("add " + values.size() + " cases", session -> {
            session.setJdbcBatchSize(BATCH);
            for (int i = 0; i < stored.size(); i++) {
                session.persist(new CaseRow(stored.get(i), embeddings.get(i)));
                if ((i + 1) % BATCH == 0 || i == stored.size() - 1) {
                    try {
                        session.flush();
                    } catch (ConstraintViolationException e) {
                        throw new IllegalArgumentException("a case of the batch already exists: "
                                + e.getErrorMessage(), e);
                    }
                    session.clear();
                }
            }
            return stored;
        });
    }

    @Override
    public Optional<Case> updateOutcome(String tenant, UUID id, String plan, String answer, double reward,
            CaseLabel label) {
        return modify(tenant, id, c -> c.withOutcome(plan, answer, reward, label));
    }

    @Override
    public Optional<Case> relabel(String tenant, UUID id, CaseLabel label) {
        return modify(tenant, id, c -> c.withLabel(label));
    }

    @Override
    public Optional<Case> recordUse(String tenant, UUID id, boolean success) {
        return adjustCounts(tenant, id, 1, success ? 1 : 0);
    }

    @Override
    public Optional<Case> adjustCounts(String tenant, UUID id, int usesDelta, int successesDelta) {
        return modify(tenant, id, c -> c.withCounts(c.uses() + usesDelta, c.successes() + successesDelta));
    }

    /** Reads the row under a lock, applies the change, writes it back, in one transaction. */
    private Optional<Case> modify(String tenant, UUID id, UnaryOperator<Case> change) {
        return inTransaction("update case " + id, session -> {
            CaseRow row = session.find(CaseRow.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (row == null || !row.tenant().equals(tenant)) {
                return Optional.empty();
            }
            Case updated = truncated(change.apply(row.toCase()));
            row.apply(updated);
            return Optional.of(updated);
        });
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        return inTransaction("delete case " + id, session -> session
                .createMutationQuery("delete from CaseRow where id = :id and tenant = :tenant")
                .setParameter("id", id).setParameter("tenant", tenant).executeUpdate() > 0);
    }

    @Override
    public Optional<Case> get(String tenant, UUID id) {
        return inTransaction("get case " + id, session -> Optional.ofNullable(session.find(CaseRow.class, id))
                .filter(row -> row.tenant().equals(tenant)).map(CaseRow::toCase));
    }

    @Override
    public CasePage list(CaseFilter filter, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return inTransaction("list cases", session -> {
            var query = session.createNativeQuery("select " + CaseSql.COLUMNS + " from cases where "
                    + CaseSql.where(filter) + " order by created_at desc, id desc offset :offset limit :limit",
                    Object[].class);
            CaseSql.bind(query, filter);
            query.setParameter("offset", offset).setParameter("limit", limit);
            List<Case> items = query.getResultList().stream().map(CaseSql::toCase).toList();
            return new CasePage(items, count(session, filter), offset, limit);
        });
    }

    @Override
    public long count(CaseFilter filter) {
        return inTransaction("count cases", session -> count(session, filter));
    }

    private static long count(Session session, CaseFilter filter) {
        var query = session.createNativeQuery("select count(*) from cases where " + CaseSql.where(filter),
                Long.class);
        CaseSql.bind(query, filter);
        return query.getSingleResult();
    }

    @Override
    public List<ScoredCase> search(VectorQuery query) {
        checkVector(query.vector(), "query vector");
        return inTransaction("search cases", session -> nearest(session, query.vector(), query.filter(), query.k()));
    }

    @Override
    public List<ScoredCase> hybridSearch(HybridQuery query) {
        checkVector(query.vector(), "query vector");
        int candidates = Math.min(Math.max(query.k() * 4, 40), MAX_EF_SEARCH);
        return inTransaction("hybrid search cases", session -> {
            List<Case> byVector = nearest(session, query.vector(), query.filter(), Math.max(candidates, query.k()))
                    .stream().map(ScoredCase::value).toList();
            List<Case> byText = query.text().isBlank() ? List.of()
                    : keyword(session, query.text(), query.filter(), Math.max(candidates, query.k()));
            return ReciprocalRankFusion.fuse(List.of(byVector, byText), query.rrfK(), query.k());
        });
    }

    /** Top-k by cosine distance through the HNSW index; exact when the index answers a filtered query short. */
    private List<ScoredCase> nearest(Session session, float[] vector, CaseFilter filter, int k) {
        String text = new PGvector(vector).toString();
        if (k <= MAX_EF_SEARCH) {
            int ef = Math.max(EF_SEARCH, k);
            session.doWork(c -> execute(c, "set local hnsw.ef_search = " + ef
                    + (iterativeScan ? "; set local hnsw.iterative_scan = strict_order" : "")));
            List<ScoredCase> found = nearestQuery(session, text, filter, k);
            if (found.size() == k || found.size() == count(session, filter)) {
                return found;
            }
        }
        session.doWork(c -> execute(c, "set local enable_indexscan = off"));
        return nearestQuery(session, text, filter, k);
    }

    private static List<ScoredCase> nearestQuery(Session session, String vector, CaseFilter filter, int k) {
        var query = session.createNativeQuery("select " + CaseSql.COLUMNS
                + ", embedding <=> cast(:vector as vector) as distance from cases where " + CaseSql.where(filter)
                + " order by embedding <=> cast(:vector as vector) limit :k", Object[].class);
        CaseSql.bind(query, filter);
        query.setParameter("vector", vector).setParameter("k", k);
        return query.getResultList().stream()
                .map(row -> new ScoredCase(CaseSql.toCase(row), 1 - ((Number) row[13]).doubleValue()))
                .toList();
    }

    /** Top-k by full-text rank; the words of the query are or-ed, as a BM25 query would. */
    private static List<Case> keyword(Session session, String text, CaseFilter filter, int k) {
        var query = session.createNativeQuery("select " + CaseSql.COLUMNS + " from cases,"
                + " cast(replace(cast(websearch_to_tsquery('english', :text) as text), ' & ', ' | ') as tsquery) q"
                + " where " + CaseSql.where(filter) + " and text_search @@ q"
                + " order by ts_rank(text_search, q) desc, id limit :k", Object[].class);
        CaseSql.bind(query, filter);
        query.setParameter("text", text).setParameter("k", k);
        return query.getResultList().stream().map(CaseSql::toCase).toList();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void checkVector(float[] vector, String what) {
        space.requireMatching(vector);
        double norm = 0;
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(what + " has a non-finite component");
            }
            norm += v * v;
        }
        if (norm == 0) {
            throw new IllegalArgumentException(what + " is all zeros; cosine similarity needs a direction");
        }
    }

    /** PostgreSQL keeps microseconds; the case returned is the one a later read returns. */
    private static Case truncated(Case c) {
        Instant created = c.createdAt().truncatedTo(ChronoUnit.MICROS);
        Instant updated = c.updatedAt().truncatedTo(ChronoUnit.MICROS);
        if (created.equals(c.createdAt()) && updated.equals(c.updatedAt())) {
            return c;
        }
        return new Case(c.id(), c.tenant(), c.task(), c.plan(), c.answer(), c.reward(), c.label(), c.source(),
                c.origin(), c.uses(), c.successes(), created, updated);
    }

    private <R> R inTransaction(String what, Function<Session, R> work) {
        try {
            return sessions.fromTransaction(work);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (JDBCConnectionException | LockAcquisitionException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), true, e);
        } catch (PersistenceException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), false, e);
        }
    }

    @Override
    public void close() {
        try {
            sessions.close();
        } finally {
            if (ownedPool != null) {
                try {
                    ownedPool.close();
                } catch (Exception e) {
                    throw new StoreException("cannot close the connection pool: " + e.getMessage(), false, e);
                }
            }
        }
    }
}
