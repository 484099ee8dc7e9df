package dev.casebook.server.web;

import dev.casebook.server.CasebookApplication;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** The edge tests against the server on the embedded database and a Lucene case store. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EdgeH2IT extends EdgeServer implements PathSpellingTests, HostileTextTests, BadInputTests, RunCapTests,
        DatasetLinkTests, TenancyTests {
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:edge;DB_CLOSE_DELAY=-1");
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-edge-" + UUID.randomUUID());
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
