package dev.casebook.memory.pgvector;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.memory.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * What the pgvector stores ({@link PgVectorCaseStore}, {@link PgVectorInsightStore}) share when they open: a
 * connection pool of their own on a JDBC URL, and the dimension their table's {@code vector(N)} column was built
 * with.
 */
final class VectorTables {
    private VectorTables() {
    }

    /**
     * Opens a store on a pool of its own: {@code open} gets the pool (the store closes it with itself); when opening
     * fails, the pool is closed before the failure propagates.
     *
     * @throws StoreException (retryable) when the pool cannot connect
     */
    static <S> S openWithOwnPool(String jdbcUrl, String user, String password, int maxPoolSize, String poolName,
            Function<HikariDataSource, S> open) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        config.setPoolName(poolName);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to " + jdbcUrl + ": " + e.getMessage(), true, e);
        }
        try {
            return open.apply(pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The dimension of the {@code vector(N)} column {@code column} of {@code table} (found on the connection's
     * search path); empty when there is no such table or column.
     */
    static OptionalInt vectorDimension(Connection c, String table, String column) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select a.atttypmod from pg_attribute a"
                + " where a.attrelid = to_regclass(?) and a.attname = ? and not a.attisdropped")) {
            s.setString(1, table);
            s.setString(2, column);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }
}
