package dev.casebook.server.tasks;

import dev.casebook.server.CasebookApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The task API on the embedded default database (H2). */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:taskapi;DB_CLOSE_DELAY=-1")
class TaskApiH2IT extends TaskApiContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        authProperties(registry);
    }
}
