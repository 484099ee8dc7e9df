package dev.casebook.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one way tests get a PostgreSQL with pgvector.
 *
 * <ol>
 *   <li>{@code CASEBOOK_TEST_JDBC_URL} (with {@code CASEBOOK_TEST_DB_USER}, {@code CASEBOOK_TEST_DB_PASSWORD}) when
 *       set: an existing server, such as the local one {@code .ci/run} starts;</li>
 *   <li>else a Testcontainers {@code pgvector/pgvector} container when Docker runs;</li>
 *   <li>else the test fails, saying how to provide one. It is never skipped.</li>
 * </ol>
 *
 * <p>Each test class asks for its own schema ({@link #newSchema(String)}), so tests do not see each other's rows.
 * The {@code vector} extension lives in {@code public}, which every schema's search path includes.
 */
public final class TestPostgres {
    public static final String URL_VARIABLE = "CASEBOOK_TEST_JDBC_URL";
    private static final String IMAGE = "pgvector/pgvector:pg17";
    private static TestPostgres instance;

    private final String url;
    private final String user;
    private final String password;

    private TestPostgres(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** The database for this JVM, started or connected on first use. */
    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = locate();
            instance.ensureVectorExtension();
        }
        return instance;
    }

    private static TestPostgres locate() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new TestPostgres(url, env("CASEBOOK_TEST_DB_USER", "postgres"),
                    env("CASEBOOK_TEST_DB_PASSWORD", ""));
        }
        if (dockerAvailable()) {
            @SuppressWarnings("resource") // lives as long as the JVM; Testcontainers' reaper removes it
            PostgreSQLContainer container = new PostgreSQLContainer(
                    DockerImageName.parse(IMAGE).asCompatibleSubstituteFor("postgres"));
            container.start();
            return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        }
        throw new IllegalStateException("""
                No PostgreSQL for tests: set %s (for example jdbc:postgresql://127.0.0.1:5432/test, \
                with CASEBOOK_TEST_DB_USER) to a server with pgvector installed \
                (db/scripts/install-pgvector.sh installs it), or run Docker so that Testcontainers can start %s. \
                .ci/run does the former."""
                .formatted(URL_VARIABLE, IMAGE));
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private void ensureVectorExtension() {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public");
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " cannot create the pgvector extension ("
                    + e.getMessage() + "); install it with db/scripts/install-pgvector.sh", e);
        }
    }

    /** Creates an empty schema named after {@code prefix} plus a random suffix. */
    public Schema newSchema(String prefix) {
        String name = (prefix.replaceAll("[^A-Za-z0-9]", "_") + "_"
                + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + name + " in " + url + ": " + e.getMessage(), e);
        }
        return new Schema(this, name);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A schema of its own in the test database. */
    public record Schema(TestPostgres database, String name) {

        /** A JDBC URL whose search path is this schema, then {@code public} (for the vector type). */
        public String url() {
            String base = database.url();
            return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + name + ",public";
        }

        public String user() {
            return database.user();
        }

        public String password() {
            return database.password();
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url(), user(), password());
        }

        /** Drops the schema and everything in it. */
        public void drop() {
            try (Connection c = DriverManager.getConnection(database.url(), user(), password());
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop schema " + name + ": " + e.getMessage(), e);
            }
        }
    }
}
