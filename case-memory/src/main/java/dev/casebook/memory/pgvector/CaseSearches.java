package dev.casebook.memory.pgvector;

import com.pgvector.PGvector;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.ScoredCase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.hibernate.Session;

/**
 * The searches of the cases table, run in a session of {@link PgVectorCaseStore}: nearest by cosine distance through
 * the HNSW index (exact when the index answers a filtered query short), by full-text rank, and the count a filter
 * keeps, which tells whether a short answer of the index is all there is.
 */
final class CaseSearches {
    /** The largest candidate list an HNSW scan is given; a larger k is answered exactly. */
    static final int MAX_EF_SEARCH = 1000;

    private final boolean iterativeScan;

    /** @param iterativeScan whether the server's pgvector supports iterative index scans ({@link CasesTable#check}) */
    CaseSearches(boolean iterativeScan) {
        this.iterativeScan = iterativeScan;
    }

    /** The number of cases the filter keeps. */
    static long count(Session session, CaseFilter filter) {
        var query = session.createNativeQuery("select count(*) from cases where " + CaseSql.where(filter),
                Long.class);
        CaseSql.bind(query, filter);
        return query.getSingleResult();
    }

    /** Top-k by cosine distance through the HNSW index; exact when the index answers a filtered query short. */
    List<ScoredCase> nearest(Session session, float[] vector, CaseFilter filter, int k) {
        String text = new PGvector(vector).toString();
        if (k <= MAX_EF_SEARCH) {
            int ef = Math.max(PgVectorCaseStore.EF_SEARCH, k);
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
                .map(row -> new ScoredCase(CaseSql.toCase(row), 1 - ((Number) row[CaseSql.WIDTH]).doubleValue()))
                .toList();
    }

    /** Top-k by full-text rank; the words of the query are or-ed, as a BM25 query would. */
    static List<Case> keyword(Session session, String text, CaseFilter filter, int k) {
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
}
