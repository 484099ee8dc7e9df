package dev.casebook.server.web;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The edge tests against the server on PostgreSQL (a schema of its own) with cases in pgvector: where a U+0000 in a
 * request's text used to end in a 500 from the database.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgePostgresIT extends EdgeServer implements PathSpellingTests, HostileTextTests, BadInputTests, RunCapTests,
        DatasetLinkTests, TenancyTests {
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("edge");
        registry.add("spring.datasource.url", schema::url);
        registry.add("spring.datasource.username", schema::user);
        registry.add("spring.datasource.password", schema::password);
        registry.add("spring.flyway.schemas", schema::name);
        registry.add("casebook.memory.store", () -> "pgvector");
        edgeProperties(registry);
    }

    @Override
    public EdgeServer server() {
        return this;
    }

    @Override
    public ApiRoutes routes() {
        return ApiRoutes.of(mapping);
    }
}
