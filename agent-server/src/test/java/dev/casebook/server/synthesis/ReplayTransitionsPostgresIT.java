package dev.casebook.server.synthesis;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link ReplayTransitionsContract} on PostgreSQL (a schema of its own).
 */
@SpringBootTest(classes = CasebookApplication.class)
class ReplayTransitionsPostgresIT extends ReplayTransitionsContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("replay");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("casebook.memory.store", () -> "none");
        registry.add("casebook.security.enabled", () -> "true"); // required off the embedded database
        registry.add("casebook.security.api-keys[0].tenant", () -> "replay");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256("replay-key"));
        common(registry);
    }
}
