package dev.casebook.server.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanJsonTest {

    @Test
    void reads_subtasks_as_strings_or_objects() throws Exception {
        assertThat(PlanJson.parse("{\"subtasks\": [\"a\", \"b\"]}", 8))
                .isEqualTo(new PlannerDecision.Subtasks(List.of("a", "b"), "{\"subtasks\":[\"a\",\"b\"]}"));
        assertThat(((PlannerDecision.Subtasks) PlanJson.parse(
                "{\"plan\": [{\"id\": 1, \"description\": \"look up\"}]}", 8)).subtasks()).containsExactly("look up");
        assertThat(((PlannerDecision.Subtasks) PlanJson.parse("[\"only\", \"an array\"]", 8)).subtasks())
                .containsExactly("only", "an array");
    }

    @Test
    void repairs_fences_prose_trailing_commas_single_quotes_and_bare_names() throws Exception {
        PlannerDecision d = PlanJson.parse("Sure!\n```json\n{subtasks: ['x', 'y',], // two\n}\n```\nDone.", 8);

        assertThat(((PlannerDecision.Subtasks) d).subtasks()).containsExactly("x", "y");
        assertThat(d.json()).isEqualTo("{\"subtasks\":[\"x\",\"y\"]}");
    }

    @Test
    void reads_an_answer() throws Exception {
        assertThat(PlanJson.parse("{\"answer\": \"FINAL ANSWER: 391\"}", 8))
                .isInstanceOfSatisfying(PlannerDecision.Answer.class,
                        a -> assertThat(a.text()).isEqualTo("FINAL ANSWER: 391"));
    }

    @Test
    void keeps_at_most_the_configured_number_of_subtasks() throws Exception {
        assertThat(((PlannerDecision.Subtasks) PlanJson.parse("{\"subtasks\": [\"1\",\"2\",\"3\"]}", 2)).subtasks())
                .containsExactly("1", "2");
    }

    @Test
    void says_why_a_reply_is_not_a_plan() {
        assertThatThrownBy(() -> PlanJson.parse("I will think about it", 8))
                .hasMessage("the reply contains no JSON object");
        assertThatThrownBy(() -> PlanJson.parse("{\"subtasks\": []}", 8))
                .hasMessage("the JSON has neither a non-empty \"subtasks\" array nor an \"answer\"");
        assertThatThrownBy(() -> PlanJson.parse("{\"subtasks\": [\"a\"", 8))
                .hasMessage("the JSON object is not closed");
        assertThatThrownBy(() -> PlanJson.parse("", 8)).hasMessage("the reply was empty");
    }

    @Test
    void an_answer_value_that_holds_a_plan_or_nothing_is_not_an_answer_and_one_that_reasons_gives_its_answer()
            throws Exception {
        assertThatThrownBy(() -> PlanJson.parse("{\"answer\": \"Subtask 1: multiply. FINAL ANSWER: 391\\n\\nSubtask 2: "
                + "check {\\\"plan\\\":[{\\\"id\\\":1,\\\"desc\\\": \\\"x\\\"}]}\"}", 8))
                .hasMessageContaining("holds a plan");
        assertThat(PlanJson.parse("{\"answer\": \"Thinking aloud.\\nFINAL ANSWER: 391\\n\\nSubtask 2: more\"}", 8))
                .isInstanceOfSatisfying(PlannerDecision.Answer.class, a -> assertThat(FinalAnswer.ofPlannerAnswer(
                        a.text())).hasValue("391"));
        assertThatThrownBy(() -> PlanJson.parse("{\"answer\": \"{\\\"subtasks\\\": [\\\"search\\\"]}\"}", 8))
                .hasMessageContaining("holds a plan");
        assertThatThrownBy(() -> PlanJson.parse("{\"answer\": \"FINAL ANSWER:\"}", 8))
                .hasMessageContaining("holds no answer");
    }
}
