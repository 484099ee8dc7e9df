package dev.casebook.tools.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxTaskTest {

    static SandboxTask withFiles(Map<String, String> files) {
        return new SandboxTask("Do it.", files, "pass", "pass", 1);
    }

    @Test
    void keeps_files_in_path_order() {
        assertThat(withFiles(Map.of("b.txt", "", "a/c.csv", "1,2")).files().keySet()).containsExactly("a/c.csv", "b.txt");
    }

    @Test
    void rejects_paths_that_leave_the_workspace() {
        assertThatThrownBy(() -> withFiles(Map.of("../etc/passwd", "")))
                .hasMessage("file path '../etc/passwd' must not contain '.' or '..' segments");
        assertThatThrownBy(() -> withFiles(Map.of("/etc/passwd", "")))
                .hasMessage("file path '/etc/passwd' must be relative: letters, digits and . _ - in at most 5 segments"
                        + " separated by /");
        assertThatThrownBy(() -> withFiles(Map.of("a//b", ""))).hasMessageStartingWith("file path 'a//b' must be");
        assertThatThrownBy(() -> withFiles(Map.of("data", "x", "data/b.txt", "y")))
                .hasMessage("'data' cannot be a file and the directory of 'data/b.txt' at once");
    }

    @Test
    void rejects_too_many_or_too_large_files() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= SandboxTask.MAX_FILES; i++) {
            many.put("f" + i + ".txt", "");
        }
        assertThatThrownBy(() -> withFiles(many)).hasMessage("'files' has 21 files; at most 20");
        assertThatThrownBy(() -> withFiles(Map.of("big.txt", "x".repeat(SandboxTask.MAX_FILE_CHARS + 1))))
                .hasMessage("file 'big.txt' has 200001 characters; at most 200000");
    }

    @Test
    void rejects_blank_programs_and_difficulties_off_the_scale() {
        assertThatThrownBy(() -> new SandboxTask(" ", Map.of(), "pass", "pass", 1))
                .hasMessage("'statement' must not be blank");
        assertThatThrownBy(() -> new SandboxTask("Do it.", Map.of(), "", "pass", 1))
                .hasMessage("'validator' must not be blank");
        assertThatThrownBy(() -> new SandboxTask("Do it.", Map.of(), "pass", "pass", 6))
                .hasMessage("'difficulty' must be within [1, 5], was 6");
    }
}
