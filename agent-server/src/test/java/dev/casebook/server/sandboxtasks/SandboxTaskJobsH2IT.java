package dev.casebook.server.sandboxtasks;

import dev.casebook.server.CasebookApplication;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Sandbox task jobs end to end on the embedded default: records in H2, cases in a Lucene directory. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:sandboxtasks;DB_CLOSE_DELAY=-1")
class SandboxTaskJobsH2IT extends SandboxTaskJobsContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        serverProperties(registry);
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }
}
