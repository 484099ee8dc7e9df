package dev.casebook.bench;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.pgvector.HnswSearch;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * A PostgreSQL schema migrated by Flyway for a benchmark's pgvector store, in the test database
 * ({@code CASEBOOK_TEST_JDBC_URL}, else Testcontainers): a fresh one dropped when the store is closed
 * ({@link #create}), or a named one kept for the next run ({@link #kept}).
 */
final class PgVectorSchema implements AutoCloseable {
    private final TestPostgres.Schema schema;
    private final PgVectorCaseStore store;
    private final boolean dropOnClose;

    private PgVectorSchema(TestPostgres.Schema schema, EmbeddingSpace space, boolean dropOnClose) {
        this.schema = schema;
        this.store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(), space);
        this.dropOnClose = dropOnClose;
    }

    static PgVectorSchema create(String name, EmbeddingSpace space) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("bench_" + name);
        migrate(schema, space);
        return new PgVectorSchema(schema, space, true);
    }

    /**
     * The schema {@code name}, kept when closed. With {@code reuse} it must exist and is opened as it is (not
     * migrated: a later migration would change what was measured); otherwise it is dropped if it exists, created
     * and migrated.
     */
    static PgVectorSchema kept(String name, EmbeddingSpace space, boolean reuse) throws SQLException {
        TestPostgres database = TestPostgres.get();
        TestPostgres.Schema schema = new TestPostgres.Schema(database, name);
        try (Connection c = java.sql.DriverManager.getConnection(database.url(), database.user(), database.password())) {
            if (reuse) {
                try (PreparedStatement exists = c.prepareStatement(
                        "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?")) {
                    exists.setString(1, name);
                    try (ResultSet row = exists.executeQuery()) {
                        if (!row.next()) {
                            throw new IllegalStateException("the kept schema " + name + " is not in " + database.url()
                                    + " (dropped?); delete its manifest to build it again");
                        }
                    }
                }
            } else {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
                    s.execute("CREATE SCHEMA " + name);
                }
            }
        }
        if (!reuse) {
            migrate(schema, space);
        }
        return new PgVectorSchema(schema, space, false);
    }

    private static void migrate(TestPostgres.Schema schema, EmbeddingSpace space) {
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(space.dimension())))
                .load().migrate();
    }

    /** Opens {@link RetrievalStore.Location#schema()}, or a fresh schema named after {@code name} when it is null. */
    static PgVectorSchema at(RetrievalStore.Location location, String name, EmbeddingSpace space) throws SQLException {
        return location.schema() == null ? create(name, space) : kept(location.schema(), space, location.reuse());
    }

    Connection connect() throws SQLException {
        return schema.connect();
    }

    PgVectorCaseStore store() {
        return store;
    }

    /** Another store on this schema's table, with a pool of its own, searching as {@code scan} says; caller closes. */
    PgVectorCaseStore open(HnswSearch scan) {
        return PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(),
                new EmbeddingSpace("bench", store.dimension()), scan);
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            if (dropOnClose) {
                schema.drop();
            }
        }
    }
}
