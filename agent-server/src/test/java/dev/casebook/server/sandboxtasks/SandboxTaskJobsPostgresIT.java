package dev.casebook.server.sandboxtasks;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Sandbox task jobs end to end with records in PostgreSQL (a schema of its own) and cases in pgvector. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SandboxTaskJobsPostgresIT extends SandboxTaskJobsContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("sandboxtasks");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        serverProperties(registry);
        registry.add("casebook.memory.store", () -> "pgvector");
    }
}
