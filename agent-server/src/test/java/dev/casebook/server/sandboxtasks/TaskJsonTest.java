package dev.casebook.server.sandboxtasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.tools.tasks.SandboxTask;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskJsonTest {
    static final String TASK = """
            {"statement": "Sum numbers.txt into sum.txt.", "files": {"numbers.txt": "1\\n2\\n"},
             "validator": "assert open('sum.txt').read() == '3'", "reference": "open('sum.txt', 'w').write('3')",
             "near_miss": "open('sum.txt', 'w').write('4')", "difficulty": 1}""";

    @Test
    void reads_a_task_alone_in_a_code_fence_or_with_raw_line_breaks_in_a_program() throws Exception {
        SandboxTask expected = new SandboxTask("Sum numbers.txt into sum.txt.", Map.of("numbers.txt", "1\n2\n"),
                "assert open('sum.txt').read() == '3'", "open('sum.txt', 'w').write('3')", 1);

        assertThat(TaskJson.parse(TASK)).isEqualTo(new TaskJson.Parsed(expected, "open('sum.txt', 'w').write('4')"));
        assertThat(TaskJson.parse("Here it is:\n```json\n" + TASK + "\n```").task()).isEqualTo(expected);
        assertThat(TaskJson.parse(TASK.replace("\"open('sum.txt', 'w').write('3')\"",
                "\"total = 3\nopen('sum.txt', 'w').write(str(total))\"")).task().reference())
                .isEqualTo("total = 3\nopen('sum.txt', 'w').write(str(total))");
    }

    @Test
    void refuses_anything_but_the_object_with_its_fields() {
        assertThatThrownBy(() -> TaskJson.parse("[" + TASK + "]"))
                .hasMessage("the reply is a JSON array, not the object asked for");
        assertThatThrownBy(() -> TaskJson.parse(""))
                .hasMessage("the reply was empty");
        assertThatThrownBy(() -> TaskJson.parse("{\"statement\": \"x\" \"files\"}"))
                .hasMessageStartingWith("the JSON does not parse: ");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"difficulty\": 1", "\"difficulty\": 1, \"title\": \"t\"")))
                .hasMessage("unknown field 'title'; the fields are statement, files, validator, reference, near_miss, "
                        + "difficulty");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"reference\"", "\"solution\"")))
                .hasMessage("unknown field 'solution'; the fields are statement, files, validator, reference, "
                        + "near_miss, difficulty");
        assertThatThrownBy(() -> TaskJson.parse("{\"statement\": \"x\"}"))
                .hasMessage("the field 'files' is missing");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"near_miss\": \"open('sum.txt', 'w').write('4')\", ", "")))
                .hasMessage("the field 'near_miss' is missing");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"open('sum.txt', 'w').write('4')\"", "\" \"")))
                .hasMessage("'near_miss' must not be blank: a plausible wrong solution the validator must reject");
    }

    @Test
    void refuses_fields_of_the_wrong_type_or_value() {
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"difficulty\": 1", "\"difficulty\": \"easy\"")))
                .hasMessage("'difficulty' must be a whole number from 1 to 5");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"difficulty\": 1", "\"difficulty\": 9")))
                .hasMessage("'difficulty' must be within [1, 5], was 9");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("{\"numbers.txt\": \"1\\n2\\n\"}", "[\"numbers.txt\"]")))
                .hasMessage("'files' must be an object of relative path to text content");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"numbers.txt\": \"1\\n2\\n\"", "\"../x\": \"1\"")))
                .hasMessage("file path '../x' must not contain '.' or '..' segments");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"numbers.txt\": \"1\\n2\\n\"", "\"n.txt\": 12")))
                .hasMessage("the content of file 'n.txt' must be a string");
        assertThatThrownBy(() -> TaskJson.parse(TASK.replace("\"Sum numbers.txt into sum.txt.\"", "42")))
                .hasMessage("'statement' must be a string");
    }
}
