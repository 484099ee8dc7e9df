package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BankCaseTest {

    @Test
    void reads_cases_with_label_and_plan_steps_from_string_or_object_plans(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("memory.jsonl");
        Files.writeString(file, """
                {"case": "Who wrote X?", "plan": "{ \\"plan\\": [ {\\"id\\": 1, \\"description\\": \\"a\\"}, {\\"id\\":2} ] }", "case_label": "positive"}

                {"case": "When did Y die?", "plan": {"plan": [{"id": 1}]}, "case_label": " NEGATIVE "}
                {"case": "No plan", "case_label": "negative"}
                """);

        assertThat(BankCase.read(file)).containsExactly(new BankCase("Who wrote X?", CaseLabel.POSITIVE, 2),
                new BankCase("When did Y die?", CaseLabel.NEGATIVE, 1), new BankCase("No plan", CaseLabel.NEGATIVE, 0));
    }

    @Test
    void a_row_with_an_unknown_label_fails_with_its_line_number(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("memory.jsonl");
        Files.writeString(file, "{\"case\": \"a\", \"plan\": \"\", \"case_label\": \"positive\"}\n"
                + "{\"case\": \"b\", \"plan\": \"\", \"case_label\": \"maybe\"}\n");

        assertThatThrownBy(() -> BankCase.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("'maybe'");
    }
}
