package dev.casebook.memory.pgvector;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.insight.InsightStoreContractIT;
import dev.casebook.testkit.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The insight contract on PostgreSQL with pgvector, each test in a fresh schema migrated by casebook-db (V84). */
class PgVectorInsightStoreIT extends InsightStoreContractIT {
    private final List<TestPostgres.Schema> schemas = new ArrayList<>();

    @Override
    protected InsightStore openStore(int dimension) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("pgvector_insights");
        schemas.add(schema);
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(dimension)))
                .load().migrate();
        return reopen(dimension);
    }

    @Override
    protected InsightStore reopen(int dimension) {
        TestPostgres.Schema schema = schemas.getLast();
        return PgVectorInsightStore.open(schema.url(), schema.user(), schema.password(),
                new EmbeddingSpace("test-model", dimension));
    }

    @AfterEach
    void dropSchemas() {
        if (store != null) {
            store.close();
            store = null;
        }
        schemas.forEach(TestPostgres.Schema::drop);
    }

    @Test
    void refuses_a_schema_without_the_insights_table() {
        TestPostgres.Schema empty = TestPostgres.get().newSchema("pgvector_no_insights");
        schemas.add(empty);

        assertThatThrownBy(() -> PgVectorInsightStore.open(empty.url(), empty.user(), empty.password(),
                new EmbeddingSpace("test-model", DIM)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("no table 'insights'")
                .hasMessageContaining("(V84)");
    }
}
