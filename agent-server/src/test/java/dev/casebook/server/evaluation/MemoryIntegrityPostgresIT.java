package dev.casebook.server.evaluation;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link MemoryIntegrityContract} on PostgreSQL + pgvector (a schema of its own). */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MemoryIntegrityPostgresIT extends MemoryIntegrityContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("integrity");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        llmProperties(registry);
        registry.add("casebook.memory.store", () -> "pgvector");
    }
}
