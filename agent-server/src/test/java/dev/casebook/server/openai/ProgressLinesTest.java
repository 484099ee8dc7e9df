package dev.casebook.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ProgressLinesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static String line(String type, String step) {
        JsonNode node = JSON.readTree(step.replace('\'', '"'));
        return ProgressLines.of(type, node);
    }

    @Test
    void each_step_a_user_should_see_is_one_short_line() {
        assertThat(line("cases_selected", "{'policy': 'similarity', 'picks': [{'role': 'example', "
                + "'task': 'How many legs do 3 spiders have?'}, {'role': 'pitfall', 'task': 'Count  the\\nlegs'}]}"))
                .isEqualTo("Memory: 2 past cases selected (similarity policy)\n  example: How many legs do 3 spiders "
                        + "have?\n  pitfall: Count the legs\n");
        assertThat(line("cases_selected", "{'policy': 'similarity', 'picks': []}"))
                .isEqualTo("Memory: no past case selected\n");
        assertThat(line("planned", "{'iteration': 2, 'subtasks': ['Look it up', 'Add']}"))
                .isEqualTo("Replan (round 2):\n  1. Look it up\n  2. Add\n");
        assertThat(line("planned", "{'iteration': 1, 'subtasks': []}")).isEqualTo("Plan: answer\n");
        assertThat(line("tool_returned", "{'tool': 'fetch_page', 'ok': false, 'result': 'HTTP 404'}"))
                .isEqualTo("← fetch_page failed: HTTP 404\n");
        assertThat(line("stopped", "{'reason': 'budget_executor_steps', 'detail': 'subtask 1 used all 8 steps'}"))
                .isEqualTo("Stopped (budget_executor_steps): subtask 1 used all 8 steps\n");
        assertThat(line("restarted", "{'attempt': 1, 'reason': 'lease_expired'}"))
                .isEqualTo("Restarted after attempt 1 (lease_expired)\n");
    }

    @Test
    void long_results_are_cut_and_quiet_steps_give_no_line() {
        String result = "x".repeat(500);
        String cut = line("tool_returned", "{'tool': 'read_document', 'ok': true, 'result': '" + result + "'}");
        assertThat(cut).startsWith("← read_document: xxx").endsWith("…\n");
        assertThat(cut.length()).isLessThan(200);
        assertThat(line("answered", "{'answer': '42'}")).isNull();
        assertThat(line("memory_written", "{'caseId': 'c'}")).isNull();
        assertThat(line("prompt_shrunk", "{'how': 'fewer cases'}")).as("a step type it does not know").isNull();
    }
}
