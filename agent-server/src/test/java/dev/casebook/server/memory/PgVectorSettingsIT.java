package dev.casebook.server.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseStore;
import dev.casebook.memory.pgvector.HnswSearch;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code casebook.memory.pgvector.ef-search}: the server's pgvector store searches with it; nonsense stops the start.
 */
class PgVectorSettingsIT {

    @Test
    void the_pgvector_store_searches_with_the_configured_ef_search() {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("ef_search");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CasebookApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + schema.url(),
                "--spring.datasource.username=" + schema.user(),
                "--spring.datasource.password=" + schema.password(),
                "--spring.flyway.schemas=" + schema.name(),
                "--casebook.security.enabled=true",
                "--casebook.security.api-keys[0].tenant=acme",
                "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256("ef-search-key"),
                "--casebook.attachments.dir=target/attachments-" + UUID.randomUUID(),
                "--casebook.memory.store=pgvector",
                "--casebook.memory.pgvector.ef-search=64")) {
            assertThat(((PgVectorCaseStore) context.getBean(CaseStore.class)).scan()).isEqualTo(new HnswSearch(64));
        } finally {
            schema.drop();
        }
    }

    @Test
    void an_ef_search_outside_pgvector_bounds_stops_the_server_naming_the_setting() {
        for (String value : new String[] {"0", "1001"}) {
            assertThatThrownBy(() -> new SpringApplicationBuilder(CasebookApplication.class).run(
                    "--server.port=0",
                    "--spring.datasource.url=jdbc:h2:mem:ef-search-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                    "--casebook.memory.store=lucene",
                    "--casebook.memory.dir=target/cases-" + UUID.randomUUID(),
                    "--casebook.attachments.dir=target/attachments-" + UUID.randomUUID(),
                    "--casebook.memory.pgvector.ef-search=" + value).close())
                    .rootCause().hasMessage("casebook.memory.pgvector.ef-search must be within [1, 1000] (pgvector's"
                            + " bounds of hnsw.ef_search), was " + value);
        }
    }
}
