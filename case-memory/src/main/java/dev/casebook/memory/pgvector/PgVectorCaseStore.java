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
import dev.casebook.memory.TaskKey;
import dev.casebook.memory.VectorQuery;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
    private static final int BATCH = 500;

    private final SessionFactory sessions;
    private final EmbeddingSpace space;
    private final AutoCloseable ownedPool;
    private final OneTripInsert oneTrip;
    private final CountsUpdate counts;
    private final CasesById byId;
    private final CaseSearches searches;
    private final DataSource dataSource;

    private PgVectorCaseStore(SessionFactory sessions, EmbeddingSpace space, boolean iterativeScan,
            AutoCloseable ownedPool, DataSource dataSource) {
        this.sessions = sessions;
        this.space = space;
        this.ownedPool = ownedPool;
        this.oneTrip = new OneTripInsert(dataSource, iterativeScan);
        this.counts = new CountsUpdate(dataSource);
        this.byId = new CasesById(dataSource);
        this.searches = new CaseSearches(iterativeScan);
        this.dataSource = dataSource;
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
        return VectorTables.openWithOwnPool(jdbcUrl, user, password, 8, "casebook-pgvector",
                pool -> open(pool, space, pool));
    }

    private static PgVectorCaseStore open(DataSource dataSource, EmbeddingSpace space, AutoCloseable ownedPool) {
        boolean iterative = CasesTable.check(dataSource, space);
        CasesTable.fillTaskKeys(dataSource);
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "none")
                .applySetting(AvailableSettings.SHOW_SQL, false)
                .build();
        try {
            SessionFactory factory = new MetadataSources(registry).addAnnotatedClass(CaseRow.class)
                    .buildMetadata().buildSessionFactory();
            return new PgVectorCaseStore(factory, space, iterative, ownedPool, dataSource);
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw new StoreException("cannot start Hibernate for the cases table: " + e.getMessage(), false, e);
        }
    }

    @Override
    public int dimension() {
        return space.dimension();
    }

    @Override
    public Case add(Case value, float[] embedding, List<Evidence> evidence) {
        space.requireUsable(embedding);
        requireEvidence(evidence);
        Case stored = truncated(value);
        return inTransaction("add case " + value.id(), session -> {
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
        CaseStore.requireBatch(values, embeddings);
        embeddings.forEach(space::requireUsable);
        if (evidence.size() != values.size()) {
            throw new IllegalArgumentException(values.size() + " cases but " + evidence.size()
                    + " evidence lists; they must pair up");
        }
        evidence.forEach(PgVectorCaseStore::requireEvidence);
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
            for (int i = 0; i < stored.size(); i++) {
                EvidenceRows.insert(session, stored.get(i).id(), evidence.get(i));
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
    public Optional<Case> addEvidence(String tenant, UUID id, Evidence evidence, Derivation derive) {
        Objects.requireNonNull(evidence, "evidence");
        return inTransaction("add evidence to case " + id, session -> {
            CaseRow row = session.find(CaseRow.class, id, LockModeType.PESSIMISTIC_WRITE);
            if (row == null || !row.tenant().equals(tenant)) {
                return Optional.empty();
            }
            return Optional.of(append(session, row, evidence, derive));
        });
    }

    /**
     * Serialises merges of one (tenant, task key) across every connection to the database with a transaction-scoped
     * advisory lock; the search that follows sees every merge committed before the lock was granted. A new case (no
     * case of its id, no near-duplicate) is written with its event in one round trip ({@link OneTripInsert});
     * otherwise the event is appended to the existing case in a transaction of its own, under the same lock.
     */
    @Override
    public Merged merge(Merge merge) {
        space.requireUsable(merge.embedding());
        Case created = truncated(merge.derive().apply(merge.fresh(), List.of(merge.evidence())));
        try {
            if (oneTrip.insert(created, merge.embedding(), merge.evidence(), merge.candidates(), merge.threshold())) {
                return new Merged(created, false);
            }
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // a unique violation: a concurrent write of the id; merge below
                throw new StoreException("merge an episode into case memory failed: " + e.getMessage(),
                        e.getSQLState() != null && e.getSQLState().startsWith("08"), e);
            }
        }
        return appendOrAdd(merge);
    }

    /** The merge in a Hibernate transaction: the path of an existing case or a near-duplicate. */
    private Merged appendOrAdd(Merge merge) {
        Case fresh = merge.fresh();
        return inTransaction("merge an episode into case memory", session -> {
            session.createNativeQuery("select cast(pg_advisory_xact_lock(hashtextextended(:key, 0)) as text)",
                    String.class).setParameter("key", "casebook-case:" + fresh.tenant() + ":"
                            + TaskKey.of(fresh.task()).hex()).getSingleResult();
            CaseRow target = session.find(CaseRow.class, fresh.id(), LockModeType.PESSIMISTIC_WRITE);
            if (target != null && !target.tenant().equals(fresh.tenant())) {
                throw new IllegalArgumentException("case " + fresh.id() + " already exists");
            }
            if (target == null) {
                List<ScoredCase> nearest = session.doReturningWork(c -> searches.nearest(c, merge.embedding(),
                        merge.candidates(), 1));
                if (!nearest.isEmpty() && nearest.getFirst().score() >= merge.threshold()) {
                    target = session.find(CaseRow.class, nearest.getFirst().value().id(),
                            LockModeType.PESSIMISTIC_WRITE);
                }
            }
            if (target != null) {
                return new Merged(append(session, target, merge.evidence(), merge.derive()), true);
            }
            List<Evidence> events = List.of(merge.evidence());
            Case created = truncated(merge.derive().apply(fresh, events));
            session.persist(new CaseRow(created, merge.embedding()));
            session.flush();
            EvidenceRows.insert(session, created.id(), events);
            return new Merged(created, false);
        });
    }

    /** Appends the event to the locked row's evidence and writes the derived case back. */
    private static Case append(Session session, CaseRow row, Evidence evidence, Derivation derive) {
        List<Evidence> events = new ArrayList<>(EvidenceRows.of(session, row.id()));
        events.add(evidence);
        Case next = truncated(derive.apply(row.toCase(), events));
        row.apply(next);
        EvidenceRows.insert(session, row.id(), List.of(evidence));
        return next;
    }

    @Override
    public List<Evidence> history(String tenant, UUID id) {
        return inTransaction("read the history of case " + id, session -> {
            CaseRow row = session.find(CaseRow.class, id);
            return row == null || !row.tenant().equals(tenant) ? List.<Evidence>of() : EvidenceRows.of(session, id);
        });
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        return inTransaction("delete case " + id, session -> session
                .createMutationQuery("delete from CaseRow where id = :id and tenant = :tenant")
                .setParameter("id", id).setParameter("tenant", tenant).executeUpdate() > 0);
    }

    /**
     * The case's columns alone: the row's embedding is neither sent nor parsed (a credit reads every selected case
     * after each episode, and needs its counts and bank only).
     */
    @Override
    public Optional<Case> get(String tenant, UUID id) {
        return inTransaction("get case " + id, session -> session.createNativeQuery("select " + CaseSql.COLUMNS
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
        return inTransaction("read the embedding of case " + id, session -> Optional.ofNullable(
                session.find(CaseRow.class, id)).filter(row -> row.tenant().equals(tenant)).map(CaseRow::embedding));
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
            return new CasePage(items, CaseSearches.count(session, filter), offset, limit);
        });
    }

    @Override
    public long count(CaseFilter filter) {
        return inTransaction("count cases", session -> CaseSearches.count(session, filter));
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
        int candidates = Math.min(Math.max(query.k() * 4, 40), CaseSearches.MAX_EF_SEARCH);
        return inTransaction("hybrid search cases", session -> {
            int k = Math.max(candidates, query.k());
            List<Case> byVector = session.doReturningWork(c -> searches.nearest(c, query.vector(), query.filter(),
                    k)).stream().map(ScoredCase::value).toList();
            List<Case> byText = query.text().isBlank() ? List.of()
                    : CaseSearches.keyword(session, query.text(), query.filter(), k);
            return ReciprocalRankFusion.fuse(List.of(byVector, byText), query.rrfK(), query.k());
        });
    }

    /** PostgreSQL keeps microseconds; the case returned is the one a later read returns. */
    private static Case truncated(Case c) {
        Instant created = c.createdAt().truncatedTo(ChronoUnit.MICROS);
        Instant updated = c.updatedAt().truncatedTo(ChronoUnit.MICROS);
        if (created.equals(c.createdAt()) && updated.equals(c.updatedAt())) {
            return c;
        }
        return new Case(c.id(), c.tenant(), c.task(), c.plan(), c.answer(), c.reward(), c.label(), c.source(),
                c.origin(), c.uses(), c.successes(), created, updated, c.bank(), c.confirmed(), c.refuted());
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
