package dev.casebook.server.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FinalAnswerTest {

    @Test
    void the_last_marker_wins_trimmed_to_the_answer_itself() {
        assertThat(FinalAnswer.extract("Reasoning...\nFINAL ANSWER: 391")).hasValue("391");
        assertThat(FinalAnswer.extract("final answer: Paris ")).hasValue("Paris");
        assertThat(FinalAnswer.extract("FINAL ANSWER: 12\nOn reflection...\nFINAL ANSWER: **14**\n\nHope this helps."))
                .hasValue("14");
        assertThat(FinalAnswer.extract("FINAL ANSWER:\n`42`")).hasValue("42");
        assertThat(FinalAnswer.extract("FINAL ANSWER: \\boxed{7}")).hasValue("7");
    }

    @Test
    void a_reply_without_marker_or_json_is_the_answer() {
        assertThat(FinalAnswer.extract("  just this ")).hasValue("just this");
        assertThat(FinalAnswer.extract("{\"answer\": \"FINAL ANSWER: 4\"}")).hasValue("4");
    }

    @Test
    void a_plan_whose_strings_hold_the_marker_is_not_an_answer_and_leaves_no_fragment() {
        String plan = "{\"plan\": [{\"id\": 1, \"desc\": \"Subtask 1: multiply. FINAL ANSWER: 391\\n\\nSubtask 2: "
                + "check {\\\"plan\\\":[{\\\"id\\\":1,\\\"desc\\\"}]}\"}]}";

        assertThat(FinalAnswer.extract(plan)).isEmpty();
        assertThat(FinalAnswer.extract("```json\n{\"subtasks\": [\"FINAL ANSWER: 3\", \"search\"]}\n```")).isEmpty();
        assertThat(FinalAnswer.extract("Here is my plan: {\"subtasks\": [\"look it up\"]}")).isEmpty();
    }

    @Test
    void a_marker_inside_the_strings_of_json_that_does_not_parse_is_no_answer() {
        // a comma missing, a value missing, a reply cut inside a string: the marker is still inside a JSON string
        assertThat(FinalAnswer.extract("```json\n{\"subtasks\": [\"FINAL ANSWER: 3\" \"search\"]}\n```")).isEmpty();
        assertThat(FinalAnswer.extract("{\"plan\": \"Subtask 1: FINAL ANSWER: 391\\n\\nSubtask 2: check\", \"next\": }"))
                .isEmpty();
        assertThat(FinalAnswer.extract("{\"subtasks\": [\"Subtask 1: FINAL ANSWER: 391")).isEmpty();
        assertThat(FinalAnswer.extract("Plan: {\"steps\": [\"FINAL ANSWER: 391\"}\nFINAL ANSWER: 17")).hasValue("17");
    }

    @Test
    void json_that_does_not_parse_is_no_answer_without_a_marker_outside_it() {
        assertThat(FinalAnswer.extract("{\"subtasks\": [\"Compute 17*23\" \"verify\"]}")).isEmpty();
        assertThat(FinalAnswer.extract("```json\n{\"plan\": [{\"id\": 1, \"desc\"}]}\n```")).isEmpty();
        assertThat(FinalAnswer.extract("[{\"id\": 1, \"desc\"}")).isEmpty();
        // brackets that do not start JSON are an answer like any other
        assertThat(FinalAnswer.extract("{1, 2, 3}")).hasValue("{1, 2, 3}");
        assertThat(FinalAnswer.extract("[0, 1)")).hasValue("[0, 1)");
    }

    @Test
    void json_after_the_answer_on_its_line_is_left_out() {
        assertThat(FinalAnswer.extract("FINAL ANSWER: 391 {\"plan\": [{\"id\": 1, \"desc\": \"check\"}]}"))
                .hasValue("391");
        assertThat(FinalAnswer.extract("FINAL ANSWER: 391 {\"plan\":[{\"id\":1,\"desc\"}]}")).hasValue("391");
        assertThat(FinalAnswer.extract("FINAL ANSWER: {1, 2, 3}")).hasValue("{1, 2, 3}");
    }

    @Test
    void a_marker_outside_json_wins_over_markers_inside_it() {
        assertThat(FinalAnswer.extract("{\"note\": \"FINAL ANSWER: wrong\"}\nFINAL ANSWER: right")).hasValue("right");
    }

    @Test
    void nothing_after_the_marker_or_an_empty_reply_is_no_answer() {
        assertThat(FinalAnswer.extract("FINAL ANSWER:")).isEmpty();
        assertThat(FinalAnswer.extract("FINAL ANSWER:\n\nSubtask 2: look further")).isEmpty();
        assertThat(FinalAnswer.extract("")).isEmpty();
        assertThat(FinalAnswer.extract(null)).isEmpty();
    }

    @Test
    void the_planners_answer_value_is_the_answer_with_a_leading_label_taken_off() {
        assertThat(FinalAnswer.ofPlannerAnswer("FINAL ANSWER: 391")).hasValue("391");
        assertThat(FinalAnswer.ofPlannerAnswer("391")).hasValue("391");
        assertThat(FinalAnswer.notAnAnswer("391")).isNull();
    }

    @Test
    void recognises_a_plan_posing_as_an_answer() {
        assertThat(FinalAnswer.looksLikePlan("{\"subtasks\": [\"search\"]}")).isTrue();
        assertThat(FinalAnswer.looksLikePlan("[1, 2]")).isTrue();
        assertThat(FinalAnswer.looksLikePlan("{\"x\": 1}")).isFalse();
        assertThat(FinalAnswer.looksLikePlan("391")).isFalse();
    }
}
