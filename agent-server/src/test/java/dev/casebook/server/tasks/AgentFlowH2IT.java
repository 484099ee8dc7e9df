package dev.casebook.server.tasks;

import dev.casebook.server.CasebookApplication;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The agent end to end with run records in the embedded database (H2). */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:agentflow;DB_CLOSE_DELAY=-1")
class AgentFlowH2IT extends AgentFlowContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        agentProperties(registry);
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }
}
