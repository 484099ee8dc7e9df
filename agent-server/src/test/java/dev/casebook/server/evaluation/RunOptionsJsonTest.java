package dev.casebook.server.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.MemoryMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A run's stored options hold the memory mode as the enum, written and read by its wire name as before. */
class RunOptionsJsonTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static RunOptions options(MemoryMode mode) {
        return new RunOptions("test", List.of("all"), 10, null, 1, 1, 2, mode, "similarity", List.of("exact-match"), 1,
                false, 10, Map.of("planner", "m"), Map.of(), null, null, List.of());
    }

    @Test
    void the_memory_mode_is_stored_by_its_wire_name_and_read_back_as_the_enum() {
        String stored = JSON.writeValueAsString(options(MemoryMode.READ_WRITE));

        assertThat(JSON.readTree(stored).get("memoryMode").asString()).isEqualTo("read-write");
        assertThat(JSON.readValue(stored, RunOptions.class).memoryMode()).isEqualTo(MemoryMode.READ_WRITE);
    }

    @Test
    void options_stored_before_the_enum_or_in_its_constant_spelling_are_read() {
        String stored = JSON.writeValueAsString(options(MemoryMode.OFF));

        assertThat(JSON.readValue(stored.replace("\"off\"", "\"read-only\""), RunOptions.class).memoryMode())
                .isEqualTo(MemoryMode.READ_ONLY);
        assertThat(JSON.readValue(stored.replace("\"off\"", "\"READ_WRITE\""), RunOptions.class).memoryMode())
                .isEqualTo(MemoryMode.READ_WRITE);
    }
}
