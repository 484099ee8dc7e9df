package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The counts of many cases adjusted in one round trip: one {@code update ... from unnest(ids)} in autocommit, which
 * locks the rows in id order and adds to each row's counts (a concurrent update of the same case waits, and the
 * addition applies to what it wrote, so nothing is lost) and returns the rows as written. The table's check
 * constraint ({@code successes <= uses}, neither negative) fails the whole statement: an impossible count writes
 * nothing.
 */
final class CountsUpdate {
    private static final String SQL = "with batch as (select id, count(*)::int as n"
            + " from unnest(cast(? as uuid[])) as id group by id),"
            // rows locked in id order, so two batches naming the same cases in other orders cannot deadlock
            + " locked as (select c.id from cases c join batch b on c.id = b.id where c.tenant = ?"
            + " order by c.id for update of c)"
            + " update cases c set uses = c.uses + b.n * ?, successes = c.successes + b.n * ?, updated_at = ?"
            + " from batch b, locked l where c.id = b.id and c.id = l.id"
            + " returning c.id, c.tenant, c.task, c.plan, c.answer, c.reward, c.label, c.source, c.origin, c.uses,"
            + " c.successes, c.created_at, c.updated_at, c.bank, c.confirmed, c.refuted";

    private final DataSource dataSource;

    CountsUpdate(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The cases written, in the order of {@code times} (ids that do not exist for the tenant are left out). */
    List<Case> apply(String tenant, Map<UUID, Integer> times, int usesDelta, int successesDelta)
            throws SQLException {
        // each id as many times as it is named: the statement counts them (count(*) per id)
        UUID[] ids = times.entrySet().stream()
                .flatMap(e -> Collections.nCopies(e.getValue(), e.getKey()).stream()).toArray(UUID[]::new);
        Map<UUID, Case> written = new LinkedHashMap<>();
        times.keySet().forEach(id -> written.put(id, null));
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (!autoCommit) {
                c.setAutoCommit(true);
            }
            try (PreparedStatement s = c.prepareStatement(SQL)) {
                Array array = c.createArrayOf("uuid", ids);
                s.setArray(1, array);
                s.setString(2, tenant);
                s.setInt(3, usesDelta);
                s.setInt(4, successesDelta);
                s.setObject(5, OffsetDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MICROS),
                        ZoneOffset.UTC));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Case value = CaseSql.read(rs);
                        written.put(value.id(), value);
                    }
                }
            } finally {
                if (!autoCommit) {
                    c.setAutoCommit(false);
                }
            }
        }
        return written.values().stream().filter(Objects::nonNull).toList();
    }
}
