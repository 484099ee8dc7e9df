package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ReciprocalRankFusion;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.VectorQuery;
import jakarta.persistence.LockModeType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Case memory in PostgreSQL with pgvector: one row per case in the {@code cases} table that the {@code V1}
 * migration of {@code casebook-db} creates, nearest neighbours through its HNSW cosine index ({@code <=>}), keyword
 * ranking through its full-text column ({@code ts_rank} over {@code websearch_to_tsquery}, terms or-ed).
 *
 * <p>Opening checks that the table exists and that its vector column has the dimension of the embedder in use;
 * otherwise it fails with a {@link StoreException} that says which dimensions differ. Every query carries the
 * filter's tenant. Writes are transactional; count updates lock the row, so concurrent writers lose nothing.
 * HNSW search scans with the candidate list of its {@link HnswSearch} ({@code hnsw.ef_search}, default
 * {@value HnswSearch#DEFAULT_EF_SEARCH}, at least k) and, where pgvector supports it (0.8+), iterative scans for
 * filtered queries; a filtered query that the index still answers short is answered exactly.
 */
public final class PgVectorCaseStore implements CaseStore {
    private static final int BATCH = 500;

    private final CaseSessions sessions;
    private final EmbeddingSpace space;
    private final AutoCloseable ownedPool;
    private final CountsUpdate counts;
    private final CasesById byId;
    private final CaseSearches searches;
    private final CaseMerges merges;
    private final DataSource dataSource;
    private final HnswScan scan;

    private PgVectorCaseStore(CaseSessions sessions, EmbeddingSpace space, HnswScan scan, AutoCloseable ownedPool,
            DataSource dataSource) {
        this.sessions = sessions;
        this.space = space;
        this.ownedPool = ownedPool;
        this.counts = new CountsUpdate(dataSource);
        this.byId = new CasesById(dataSource);
        this.searches = new CaseSearches(scan);
        this.merges = new CaseMerges(sessions, new OneTripInsert(dataSource, scan), searches);
        this.dataSource = dataSource;
        this.scan = scan;
    }

    /**
     * Opens the store on a data source whose schema was migrated by Flyway; the caller keeps owning the data source.
     *
     * @param space the embedder's model and dimension; the dimension must equal the table's
     * @throws StoreException when the table is missing or its vector dimension differs from the space's
     */
    public static PgVectorCaseStore open(DataSource dataSource, EmbeddingSpace space) {
        return open(dataSource, space, HnswSearch.DEFAULT);
    }

    /** As {@link #open(DataSource, EmbeddingSpace)}, searching the HNSW index as broadly as {@code scan} says. */
    public static PgVectorCaseStore open(DataSource dataSource, EmbeddingSpace space, HnswSearch scan) {
        return open(dataSource, space, scan, null);
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
        return open(jdbcUrl, user, password, space, HnswSearch.DEFAULT);
    }

    /** As {@link #open(String, String, String, EmbeddingSpace)}, searching as broadly as {@code scan} says. */
    public static PgVectorCaseStore open(String jdbcUrl, String user, String password, EmbeddingSpace space,
            HnswSearch scan) {
        return VectorTables.openWithOwnPool(jdbcUrl, user, password, 8, "casebook-pgvector",
                pool -> open(pool, space, scan, pool));
    }

    private static PgVectorCaseStore open(DataSource dataSource, EmbeddingSpace space, HnswSearch scan,
            AutoCloseable ownedPool) {
        Objects.requireNonNull(scan, "scan");
        HnswScan scanning = new HnswScan(scan, CasesTable.check(dataSource, space));
        CasesTable.fillTaskKeys(dataSource);
        return new PgVectorCaseStore(CaseSessions.open(dataSource), space, scanning, ownedPool, dataSource);
    }

    @Override
    public int dimension() {
        return space.dimension();
    }

    /** How broadly searches scan the HNSW index. */
    public HnswSearch scan() {
        return scan.breadth();
    }

    @Override
    public Case add(Case value, float[] embedding, List<Evidence> evidence) {
        space.requireUsable(embedding);
        requireEvidence(evidence);
        Case stored = CaseRow.truncated(value);
        return sessions.inTransaction("add case " + value.id(), session -> {
            session.persist(new CaseRow(stored, embedding));
            try {
                session.flush();
            } catch (ConstraintViolationException e) {
                throw new IllegalArgumentException("case " + value.id() + " already exists", e);
            }
            EvidenceRows.insert(session, stored.id(), evidence);
            return stored;
        });
    }

    private static void requireEvidence(List<Evidence> evidence) {
        if (evidence == null || evidence.isEmpty()) {
            throw new IllegalArgumentException("a case needs at least one evidence event");
        }
    }

    /**
     * Adds many cases in one transaction with batched inserts (bulk loading, imports): all or none. Every vector is
     * checked before anything is written; ids must be new.
     */
    @Override
    public List<Case> addAll(List<Case> values, List<float[]> embeddings, List<List<Evidence>> evidence) {
        List<Case> stored = checkedBatch(values, embeddings, evidence);
        return sessions.inTransaction("add " + values.size() + " cases", session -> {
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
            for (int i = 0; i < stored.size(); i++) {
                EvidenceRows.insert(session, stored.get(i).id(), evidence.get(i));
            }
            return stored;
        });
    }

    /**
     * Adds many new cases as {@link #addAll(List, List, List)} does, with the same checks and the same rows, but
     * through PostgreSQL's {@code COPY} (one stream for the cases, one for their evidence, in one transaction): for
     * bulk loads of hundreds of thousands of cases, where a statement per row is what the load costs. Like any write
     * into an indexed table, it is faster still with the HNSW index dropped and built afterwards.
     *
     * @throws IllegalArgumentException when a case of the batch already exists (nothing is written)
     */
    public List<Case> copyAll(List<Case> values, List<float[]> embeddings, List<List<Evidence>> evidence) {
        List<Case> stored = checkedBatch(values, embeddings, evidence);
        CaseCopy.inOneTransaction(dataSource, stored, embeddings, evidence);
        return stored;
    }

    /** As {@link #copyAll(List, List, List)}, each case's only evidence its own state ({@link Evidence#ofState}). */
    public List<Case> copyAll(List<Case> values, List<float[]> embeddings) {
        return copyAll(values, embeddings, values.stream().map(v -> List.of(Evidence.ofState(v))).toList());
    }

    /** The checks of a batch before anything is written; the cases as they will be stored. */
    private List<Case> checkedBatch(List<Case> values, List<float[]> embeddings, List<List<Evidence>> evidence) {
        CaseStore.requireBatch(values, embeddings);
        embeddings.forEach(space::requireUsable);
        if (evidence.size() != values.size()) {
            throw new IllegalArgumentException(values.size() + " cases but " + evidence.size()
                    + " evidence lists; they must pair up");
        }
        evidence.forEach(PgVectorCaseStore::requireEvidence);
        return values.stream().map(CaseRow::truncated).toList();
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
    public Optional<Case> confirm(String tenant, UUID id) {
        return modify(tenant, id, Case::confirmedByRealOutcome);
    }

    @Override
    public Optional<Case> refute(String tenant, UUID id) {
        return modify(tenant, id, Case::refutedByRealFailure);
    }

    @Override
    public Optional<Case> reinstate(String tenant, UUID id) {
        return modify(tenant, id, Case::reinstated);
    }

    @Override
    public Optional<Case> adjustCounts(String tenant, UUID id, int usesDelta, int successesDelta) {
        return modify(tenant, id, c -> c.withCounts(c.uses() + usesDelta, c.successes() + successesDelta));
    }

    /** One statement in one round trip ({@link CountsUpdate}): each row's counts added to under its row lock. */
    @Override
    public List<Case> adjustCounts(String tenant, List<UUID> ids, int usesDelta, int successesDelta) {
        Objects.requireNonNull(tenant, "tenant");
        Map<UUID, Integer> times = CaseStore.occurrences(ids);
        if (times.isEmpty()) {
            return List.of();
        }
        try {
            return counts.apply(tenant, times, usesDelta, successesDelta);
        } catch (SQLException e) {
            if ("23514".equals(e.getSQLState())) { // the check constraint of the counts
                throw new IllegalArgumentException("counts must satisfy 0 <= successes <= uses; a case of the batch"
                        + " would break it, nothing was written: " + e.getMessage(), e);
            }
            throw new StoreException("update the counts of " + times.size() + " cases failed: " + e.getMessage(),
                    e.getSQLState() != null && (e.getSQLState().startsWith("08") || e.getSQLState().equals("40P01")),
                    e);
        }
    }

    /** Reads the row under a lock, applies the change, writes it back, in one transaction. */
    private Optional<Case> modify(String tenant, UUID id, UnaryOperator<Case> change) {
        return sessions.inTransaction("update case " + id, session -> {
            CaseRow row = session.find(CaseRow.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (row == null || !row.tenant().equals(tenant)) {
                return Optional.empty();
            }
            Case updated = CaseRow.truncated(change.apply(row.toCase()));
            row.apply(updated);
            return Optional.of(updated);
        });
    }

    @Override
    public Optional<Case> addEvidence(String tenant, UUID id, Evidence evidence, Derivation derive) {
        Objects.requireNonNull(evidence, "evidence");
        return sessions.inTransaction("add evidence to case " + id, session -> {
            CaseRow row = session.find(CaseRow.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (row == null || !row.tenant().equals(tenant)) {
                return Optional.empty();
            }
            return Optional.of(CaseMerges.append(session, row, evidence, derive));
        });
    }

    /** {@link CaseMerges}: one round trip for a new case, else a transaction under the (tenant, task key) lock. */
    @Override
    public Merged merge(Merge merge) {
        space.requireUsable(merge.embedding());
        return merges.merge(merge);
    }

    @Override
    public List<Evidence> history(String tenant, UUID id) {
        return sessions.inTransaction("read the history of case " + id, session -> {
            CaseRow row = session.find(CaseRow.class, id);
            return row == null || !row.tenant().equals(tenant) ? List.<Evidence>of() : EvidenceRows.of(session, id);
        });
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        return sessions.inTransaction("delete case " + id, session -> session
                .createMutationQuery("delete from CaseRow where id = :id and tenant = :tenant")
                .setParameter("id", id).setParameter("tenant", tenant).executeUpdate() > 0);
    }

    /**
     * The case's columns alone: the row's embedding is neither sent nor parsed (a credit reads every selected case
     * after each episode, and needs its counts and bank only).
     */
    @Override
    public Optional<Case> get(String tenant, UUID id) {
        return sessions.inTransaction("get case " + id, session -> session.createNativeQuery("select " + CaseSql.COLUMNS
                        + " from cases where id = :id and tenant = :tenant", Object[].class)
                .setParameter("id", id).setParameter("tenant", tenant).getResultList().stream().findFirst()
                .map(CaseSql::toCase));
    }

    /** One statement in one round trip ({@link CasesById}), the case's columns alone, as {@link #get}. */
    @Override
    public List<Case> getAll(String tenant, Collection<UUID> ids) {
        Objects.requireNonNull(tenant, "tenant");
        try {
            return byId.read(tenant, ids);
        } catch (SQLException e) {
            throw new StoreException("read " + ids.size() + " cases by id failed: " + e.getMessage(),
                    e.getSQLState() != null && e.getSQLState().startsWith("08"), e);
        }
    }

    @Override
    public Optional<float[]> embedding(String tenant, UUID id) {
        return sessions.inTransaction("read the embedding of case " + id, session -> Optional.ofNullable(
                session.find(CaseRow.class, id)).filter(row -> row.tenant().equals(tenant)).map(CaseRow::embedding));
    }

    @Override
    public CasePage list(CaseFilter filter, int offset, int limit) {
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException("offset must be >= 0 and limit >= 1, were " + offset + ", " + limit);
        }
        return sessions.inTransaction("list cases", session -> {
            var query = session.createNativeQuery("select " + CaseSql.COLUMNS + " from cases where "
                    + CaseSql.where(filter) + " order by created_at desc, id desc offset :offset limit :limit",
                    Object[].class);
            CaseSql.bind(query, filter);
            query.setParameter("offset", offset).setParameter("limit", limit);
            List<Case> items = query.getResultList().stream().map(CaseSql::toCase).toList();
            return new CasePage(items, CaseSearches.count(session, filter), offset, limit);
        });
    }

    @Override
    public long count(CaseFilter filter) {
        return sessions.inTransaction("count cases", session -> CaseSearches.count(session, filter));
    }

    /** One statement list in one round trip outside a transaction ({@link CaseSearches#nearest}). */
    @Override
    public List<ScoredCase> search(VectorQuery query) {
        space.requireUsable(query.vector());
        try (Connection c = dataSource.getConnection()) {
            return searches.nearest(c, query.vector(), query.filter(), query.k());
        } catch (SQLException e) {
            throw new StoreException("search cases failed: " + e.getMessage(),
                    e.getSQLState() != null && e.getSQLState().startsWith("08"), e);
        }
    }

    @Override
    public List<ScoredCase> hybridSearch(HybridQuery query) {
        space.requireUsable(query.vector());
        int candidates = Math.min(Math.max(query.k() * 4, 40), HnswSearch.MAX_EF_SEARCH);
        return sessions.inTransaction("hybrid search cases", session -> {
            int k = Math.max(candidates, query.k());
            List<Case> byVector = session.doReturningWork(c -> searches.nearest(c, query.vector(), query.filter(),
                    k)).stream().map(ScoredCase::value).toList();
            List<Case> byText = query.text().isBlank() ? List.of()
                    : CaseSearches.keyword(session, query.text(), query.filter(), k);
            return ReciprocalRankFusion.fuse(List.of(byVector, byText), query.rrfK(), query.k());
        });
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
