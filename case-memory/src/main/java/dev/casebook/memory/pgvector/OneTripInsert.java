package dev.casebook.memory.pgvector;

import com.pgvector.PGvector;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.TaskKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The common path of a merge, a new case, in one round trip to the database: the advisory lock of the (tenant, task
 * key), the checks that neither case {@code id} nor a near-duplicate among the candidates exists, the case row and
 * its evidence event, sent as one pipelined statement list and committed together (one implicit transaction up to
 * the driver's single sync). Each statement after the lock reads a snapshot taken after the lock was granted (read
 * committed), so the check sees every merge of the same key committed before; the lock is held until the commit.
 * When the case exists or a near-duplicate does, nothing is written and the caller takes the merge path.
 */
final class OneTripInsert {
    private final DataSource dataSource;
    private final HnswScan scan;

    OneTripInsert(DataSource dataSource, HnswScan scan) {
        this.dataSource = dataSource;
        this.scan = scan;
    }

    /** True when {@code created} was inserted with {@code event}; false when the caller must merge. */
    boolean insert(Case created, float[] embedding, Evidence event, CaseFilter candidates, double threshold)
            throws SQLException {
        String vector = new PGvector(embedding).toString();
        List<Object> params = new ArrayList<>(); // in the order the text below names them
        StringBuilder sql = new StringBuilder("select cast(pg_advisory_xact_lock(hashtextextended(?, 0)) as text);\n");
        params.add("casebook-case:" + created.tenant() + ":" + TaskKey.of(created.task()).hex());
        scan.appendSettings(sql, params, 1);
        sql.append("with target as (select 1 from cases where id = ?),\n");
        params.add(created.id());
        sql.append(" near as (select embedding <=> cast(? as vector) as distance from cases where ");
        params.add(vector);
        CaseSql.where(sql, candidates, params);
        sql.append(" order by embedding <=> cast(? as vector) limit 1),\n");
        params.add(vector);
        // the index may answer a filtered query short: then the nearest candidate exactly (an order no index serves)
        sql.append(" exact as (select (embedding <=> cast(? as vector)) + 0 as distance from cases where ");
        params.add(vector);
        CaseSql.where(sql, candidates, params);
        sql.append(" and not exists (select 1 from near) order by 1 limit 1),\n");
        sql.append(" created as (insert into cases (id, tenant, task, plan, answer, reward, label, source, origin,"
                + " task_key, uses, successes, created_at, updated_at, bank, embedding)"
                + " select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as vector)");
        params.addAll(List.of(created.id(), created.tenant(), created.task(), created.plan(), created.answer(),
                created.reward(), created.label().wireName(), created.source().wireName(), created.origin(),
                TaskKey.of(created.task()).hex(), created.uses(), created.successes(), utc(created.createdAt()),
                utc(created.updatedAt()), created.bank(), vector));
        sql.append(" where not exists (select 1 from target)"
                + " and not exists (select 1 from near where 1 - distance >= ?)"
                + " and not exists (select 1 from exact where 1 - distance >= ?) returning id),\n");
        params.add(threshold);
        params.add(threshold);
        sql.append(" evidence as (insert into case_evidence (case_id, episode, source, reward, rater, plan, answer,"
                + " recorded_at) select id, ?, ?, ?, ?, ?, ?, ? from created)\n");
        params.addAll(List.of(event.episode(), event.source().wireName(), event.reward(), event.rater().wireName(),
                event.plan(), event.answer(), utc(event.at())));
        sql.append("select count(*) as inserted from created");
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (!autoCommit) {
                c.setAutoCommit(true);
            }
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    s.setObject(i + 1, params.get(i));
                }
                return inserted(s, s.execute()) == 1;
            } finally {
                if (!autoCommit) {
                    c.setAutoCommit(false);
                }
            }
        }
    }

    /** The count of the last statement: every result of the statement list is read in turn. */
    private static long inserted(PreparedStatement s, boolean isResult) throws SQLException {
        long inserted = -1;
        while (isResult || s.getUpdateCount() != -1) {
            if (isResult) {
                try (ResultSet rs = s.getResultSet()) {
                    if (rs.next() && rs.getMetaData().getColumnLabel(1).equals("inserted")) {
                        inserted = rs.getLong(1);
                    }
                }
            }
            isResult = s.getMoreResults();
        }
        if (inserted < 0) {
            throw new SQLException("the statement list returned no count of inserted cases");
        }
        return inserted;
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
