package dev.casebook.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings records carry Spring Boot's configuration metadata (spring-boot-configuration-processor), so an IDE
 * completes and documents {@code casebook.*} in application.yml.
 */
class ConfigurationMetadataTest {
    @Test
    void describes_a_settings_property_with_its_type_and_javadoc() throws IOException {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the classpath").isNotNull();
            metadata = JsonMapper.builder().build().readTree(in);
        }
        JsonNode maxSubtasks = StreamSupport.stream(metadata.path("properties").spliterator(), false)
                .filter(p -> p.path("name").asString().equals("casebook.agent.max-subtasks")).findFirst()
                .orElseThrow(() -> new AssertionError("casebook.agent.max-subtasks not described: " + metadata));
        assertThat(maxSubtasks.path("type").asString()).isEqualTo("java.lang.Integer");
        assertThat(maxSubtasks.path("sourceType").asString()).isEqualTo("dev.casebook.server.agent.AgentSettings");
        assertThat(maxSubtasks.path("description").asString()).contains("subtasks of one plan beyond this are dropped");
    }
}
