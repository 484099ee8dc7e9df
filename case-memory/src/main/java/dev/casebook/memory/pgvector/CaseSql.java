package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.TaskKey;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.hibernate.query.CommonQueryContract;

/** The filter as SQL/HQL conditions, and rows of native queries as cases. Conditions name columns as in both. */
final class CaseSql {
    /** Columns a native query selects, in the order {@link #toCase(Object[])} reads them. */
    static final String COLUMNS = "id, tenant, task, plan, answer, reward, label, source, origin, uses, successes,"
            + " created_at, updated_at, bank, confirmed, refuted";
    /** How many {@link #COLUMNS} there are: the index of a column a query selects after them. */
    static final int WIDTH = 16;

    private CaseSql() {
    }

    /**
     * {@code tenant = :tenant [and source in :sources] [and label in :labels] [and bank in :banks] [and origin not in :origins]
     * [and task_key not in :taskKeys]}.
     */
    static String where(CaseFilter filter) {
        StringBuilder sql = new StringBuilder("tenant = :tenant");
        if (!filter.sources().isEmpty()) {
            sql.append(" and source in (:sources)");
        }
        if (!filter.labels().isEmpty()) {
            sql.append(" and label in (:labels)");
        }
        if (!filter.banks().isEmpty()) {
            sql.append(" and bank in (:banks)");
        }
        if (!filter.excludeOrigins().isEmpty()) {
            sql.append(" and origin not in (:origins)");
        }
        if (!filter.excludeTasks().isEmpty()) {
            sql.append(" and task_key not in (:taskKeys)");
        }
        return sql.toString();
    }

    /** {@link #where(CaseFilter)} with positional parameters, its values appended to {@code params} in order. */
    static void where(StringBuilder sql, CaseFilter filter, List<Object> params) {
        sql.append("tenant = ?");
        params.add(filter.tenant());
        in(sql, params, "source in", filter.sources().stream().map(CaseSource::wireName).toList());
        in(sql, params, "label in", filter.labels().stream().map(CaseLabel::wireName).toList());
        in(sql, params, "bank in", List.copyOf(filter.banks()));
        in(sql, params, "origin not in", List.copyOf(filter.excludeOrigins()));
        in(sql, params, "task_key not in", filter.excludeTasks().stream().map(TaskKey::hex).toList());
    }

    private static void in(StringBuilder sql, List<Object> params, String clause, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        sql.append(" and ").append(clause).append(" (").append(String.join(", ", Collections.nCopies(
                values.size(), "?"))).append(')');
        params.addAll(values);
    }

    static void bind(CommonQueryContract query, CaseFilter filter) {
        query.setParameter("tenant", filter.tenant());
        if (!filter.sources().isEmpty()) {
            query.setParameterList("sources", filter.sources().stream().map(CaseSource::wireName).toList());
        }
        if (!filter.labels().isEmpty()) {
            query.setParameterList("labels", filter.labels().stream().map(CaseLabel::wireName).toList());
        }
        if (!filter.banks().isEmpty()) {
            query.setParameterList("banks", List.copyOf(filter.banks()));
        }
        if (!filter.excludeOrigins().isEmpty()) {
            query.setParameterList("origins", List.copyOf(filter.excludeOrigins()));
        }
        if (!filter.excludeTasks().isEmpty()) {
            query.setParameterList("taskKeys", filter.excludeTasks().stream().map(TaskKey::hex).toList());
        }
    }

    static Case toCase(Object[] row) {
        return new Case((UUID) row[0], (String) row[1], (String) row[2], (String) row[3], (String) row[4],
                ((Number) row[5]).doubleValue(), CaseLabel.parse((String) row[6]), CaseSource.parse((String) row[7]),
                (String) row[8], ((Number) row[9]).intValue(), ((Number) row[10]).intValue(), instant(row[11]),
                instant(row[12]), (String) row[13], (Boolean) row[14], (Boolean) row[15]);
    }

    /** A row of a JDBC query that selected {@link #COLUMNS} first, mapped as {@link #toCase} maps a native query's. */
    static Case read(ResultSet rs) throws SQLException {
        Object[] row = new Object[WIDTH];
        for (int i = 0; i < row.length; i++) {
            row[i] = rs.getObject(i + 1);
        }
        return toCase(row);
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant i -> i;
            case OffsetDateTime o -> o.toInstant();
            case Timestamp t -> t.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
        };
    }
}
