package dev.casebook.bench;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.testkit.TestPostgres;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * A fresh PostgreSQL schema migrated by Flyway for a benchmark's pgvector store: the test database
 * ({@code CASEBOOK_TEST_JDBC_URL}, else Testcontainers), dropped when the store is closed.
 */
final class PgVectorSchema implements AutoCloseable {
    private final TestPostgres.Schema schema;
    private final PgVectorCaseStore store;

    private PgVectorSchema(TestPostgres.Schema schema, PgVectorCaseStore store) {
        this.schema = schema;
        this.store = store;
    }

    static PgVectorSchema create(String name, EmbeddingSpace space) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("bench_" + name);
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(space.dimension())))
                .load().migrate();
        return new PgVectorSchema(schema, PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(),
                space));
    }

    java.sql.Connection connect() throws java.sql.SQLException {
        return schema.connect();
    }

    PgVectorCaseStore store() {
        return store;
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            schema.drop();
        }
    }
}
