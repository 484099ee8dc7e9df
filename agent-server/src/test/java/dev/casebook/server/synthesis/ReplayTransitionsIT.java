package dev.casebook.server.synthesis;

import dev.casebook.server.CasebookApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link ReplayTransitionsContract} on the embedded database. */
@SpringBootTest(classes = CasebookApplication.class,
        properties = "spring.datasource.url=jdbc:h2:mem:replay;DB_CLOSE_DELAY=-1")
class ReplayTransitionsIT extends ReplayTransitionsContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        common(registry);
    }
}
