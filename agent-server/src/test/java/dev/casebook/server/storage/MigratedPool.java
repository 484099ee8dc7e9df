package dev.casebook.server.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.testkit.TestPostgres;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** A connection pool on a database the server's Flyway migrations have brought up to date, for tests below Spring. */
public final class MigratedPool {
    private MigratedPool() {
    }

    /** The test PostgreSQL schema, migrated, behind a pool of at most {@code maxSize} connections. */
    public static HikariDataSource of(TestPostgres.Schema schema, int maxSize) {
        return of(schema.url(), schema.user(), schema.password(), schema.name(), "postgresql", maxSize);
    }

    /**
     * The database at {@code url} ({@code schema} in it, or its default when null), migrated with the scripts of
     * {@code vendor} ({@code postgresql} or {@code h2}), behind a pool of at most {@code maxSize} connections.
     */
    public static HikariDataSource of(String url, String user, String password, String schema, String vendor,
            int maxSize) {
        Flyway.configure().dataSource(url, user, password)
                .schemas(schema == null ? new String[0] : new String[] {schema})
                .locations("classpath:db/migration/" + vendor)
                .placeholders(Map.of("embedding_dimension", "384")).load().migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxSize);
        return new HikariDataSource(config);
    }
}
