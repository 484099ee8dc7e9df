package dev.casebook.server.synthesis;

import dev.casebook.server.CasebookApplication;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link DreamRaceContract} on the embedded default: H2 and a Lucene case store. */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:dream-race;DB_CLOSE_DELAY=-1")
class DreamRaceIT extends DreamRaceContract {
    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        common(registry);
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }
}
