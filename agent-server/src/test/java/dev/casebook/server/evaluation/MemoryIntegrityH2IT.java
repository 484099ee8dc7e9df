package dev.casebook.server.evaluation;

import dev.casebook.server.CasebookApplication;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link MemoryIntegrityContract} on the embedded default: Lucene cases, H2 records. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:integrity;DB_CLOSE_DELAY=-1")
class MemoryIntegrityH2IT extends MemoryIntegrityContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        llmProperties(registry);
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }
}
