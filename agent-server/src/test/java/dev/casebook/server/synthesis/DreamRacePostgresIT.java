package dev.casebook.server.synthesis;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.TestPostgres;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link DreamRaceContract} on PostgreSQL + pgvector (a schema of its own). */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DreamRacePostgresIT extends DreamRaceContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("dreamrace");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        common(registry);
        registry.add("casebook.memory.store", () -> "pgvector");
    }
}
