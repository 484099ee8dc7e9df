package dev.casebook.server.tasks;

import dev.casebook.server.CasebookApplication;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The models' replies end to end with run records in H2 and cases in a Lucene directory. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:modelreplies;DB_CLOSE_DELAY=-1")
class ModelRepliesFlowH2IT extends ModelRepliesFlowContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        modelProperties(registry);
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }
}
