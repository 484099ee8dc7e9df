package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Cases read by id in one round trip: one {@code select ... where tenant = ? and id = any(?)}, without a transaction
 * to begin and commit around it (the selected cases of an episode are read together after each episode, on a
 * connection the task's other writes wait for).
 */
final class CasesById {
    private static final String SQL = "select " + CaseSql.COLUMNS
            + " from cases where tenant = ? and id = any(cast(? as uuid[]))";

    private final DataSource dataSource;

    CasesById(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The cases found, each once, in the order of the ids' first mention. */
    List<Case> read(String tenant, Collection<UUID> ids) throws SQLException {
        Map<UUID, Case> found = new LinkedHashMap<>();
        ids.forEach(id -> found.putIfAbsent(Objects.requireNonNull(id, "id"), null));
        if (found.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(SQL)) {
            s.setString(1, tenant);
            s.setArray(2, c.createArrayOf("uuid", found.keySet().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Case value = CaseSql.read(rs);
                    found.put(value.id(), value);
                }
            }
        }
        return found.values().stream().filter(Objects::nonNull).toList();
    }
}
