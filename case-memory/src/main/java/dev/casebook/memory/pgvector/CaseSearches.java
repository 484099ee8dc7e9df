package dev.casebook.memory.pgvector;

import com.pgvector.PGvector;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.ScoredCase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/**
 * The searches of the cases table, run in a session of {@link PgVectorCaseStore}: nearest by cosine distance through
 * the HNSW index (exact when the index answers a filtered query short), by full-text rank, and the count a filter
 * keeps, which tells whether a short answer of the index is all there is.
 */
final class CaseSearches {
    private final HnswScan scan;

    CaseSearches(HnswScan scan) {
        this.scan = scan;
    }

    /** The number of cases the filter keeps. */
    static long count(Session session, CaseFilter filter) {
        var query = session.createNativeQuery("select count(*) from cases where " + CaseSql.where(filter),
                Long.class);
        CaseSql.bind(query, filter);
        return query.getSingleResult();
    }

    /**
     * Top-k by cosine distance through the HNSW index, exact when the index answers a filtered query short of both k
     * and the cases the filter keeps: one statement list in one round trip on {@code c} ({@link #nearestSql}). In
     * autocommit its statements share the implicit transaction that ends at the driver's single sync; inside a
     * transaction the scan settings hold until it ends, as {@code set local} would.
     */
    List<ScoredCase> nearest(Connection c, float[] vector, CaseFilter filter, int k) throws SQLException {
        List<Object> params = new ArrayList<>();
        String sql = nearestSql(new PGvector(vector).toString(), filter, k, params);
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                s.setObject(i + 1, params.get(i));
            }
            List<ScoredCase> found = new ArrayList<>();
            boolean isResult = s.execute();
            while (isResult || s.getUpdateCount() != -1) {
                if (isResult) {
                    try (ResultSet rs = s.getResultSet()) {
                        if (rs.getMetaData().getColumnCount() > CaseSql.WIDTH) { // the hits, not the settings
                            while (rs.next()) {
                                found.add(new ScoredCase(CaseSql.read(rs), 1 - rs.getDouble(CaseSql.WIDTH + 1)));
                            }
                        }
                    }
                }
                isResult = s.getMoreResults();
            }
            return found;
        }
    }

    /**
     * The scan settings, then the index's top-k ({@code near}) when it holds k hits or every case the filter keeps
     * (counted only when the index answered short), else the exact top-k, ordered by {@code distance + 0}, which no
     * index serves; the branch not taken is cut by its one-time filter before it scans anything. Beyond
     * {@link HnswSearch#MAX_EF_SEARCH} the exact query alone.
     */
    private String nearestSql(String vector, CaseFilter filter, int k, List<Object> params) {
        StringBuilder exact = new StringBuilder("select " + CaseSql.COLUMNS
                + ", (embedding <=> cast(? as vector)) + 0 as distance from cases where ");
        List<Object> exactParams = new ArrayList<>(List.of(vector));
        CaseSql.where(exact, filter, exactParams);
        if (k > HnswSearch.MAX_EF_SEARCH) {
            exact.append(" order by distance limit ?");
            params.addAll(exactParams);
            params.add(k);
            return exact.toString();
        }
        StringBuilder sql = new StringBuilder();
        scan.appendSettings(sql, params, k);
        sql.append("with near as materialized (select " + CaseSql.COLUMNS
                + ", embedding <=> cast(? as vector) as distance from cases where ");
        params.add(vector);
        CaseSql.where(sql, filter, params);
        sql.append(" order by embedding <=> cast(? as vector) limit ?),\n");
        params.addAll(List.of(vector, k));
        sql.append(" settled as materialized (select (select count(*) from near) = ?"
                + " or (select count(*) from near) = (select count(*) from cases where ");
        params.add((long) k);
        CaseSql.where(sql, filter, params);
        sql.append(") as whole)\n");
        sql.append("select * from near where (select whole from settled)\nunion all\n");
        sql.append("select * from (").append(exact).append(" and not (select whole from settled)"
                + " order by distance limit ?) exact\norder by distance");
        params.addAll(exactParams);
        params.add(k);
        return sql.toString();
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
}
