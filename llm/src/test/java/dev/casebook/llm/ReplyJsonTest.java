package dev.casebook.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyJsonTest {

    @Test
    void reads_the_object_in_prose_and_fences_with_the_usual_slips_repaired() throws Exception {
        assertThat(ReplyJson.read("Sure!\n```json\n{subtasks: ['x', 'y',], // two\n}\n```\nDone.").toString())
                .isEqualTo("{\"subtasks\":[\"x\",\"y\"]}");
    }

    @Test
    void prefers_an_object_to_a_bracketed_reference_in_the_prose_before_it() throws Exception {
        assertThat(ReplyJson.read("As noted in [1], here it is: {\"answer\": \"4\"} (see {braces} later)").toString())
                .isEqualTo("{\"answer\":\"4\"}");
    }

    @Test
    void reads_a_bare_array_when_there_is_no_object() throws Exception {
        assertThat(ReplyJson.read("[{\"description\": \"a\"}, \"b\"]").isArray()).isTrue();
    }

    @Test
    void finds_every_top_level_value_with_its_span() {
        String text = "A {\"a\": {\"b\": 1}} then [\"c\"] and {not json}.";

        var spans = ReplyJson.spans(text);

        assertThat(spans).hasSize(2);
        assertThat(text.substring(spans.get(0).start(), spans.get(0).end())).isEqualTo("{\"a\": {\"b\": 1}}");
        assertThat(text.substring(spans.get(1).start(), spans.get(1).end())).isEqualTo("[\"c\"]");
    }

    @Test
    void says_why_a_reply_holds_no_json() {
        assertThatThrownBy(() -> ReplyJson.read("")).hasMessage("the reply was empty");
        assertThatThrownBy(() -> ReplyJson.read("I will think about it")).hasMessage("the reply contains no JSON object");
        assertThatThrownBy(() -> ReplyJson.read("{\"subtasks\": [\"a\"")).hasMessage("the JSON object is not closed");
        assertThatThrownBy(() -> ReplyJson.read("{\"a\": tru}")).hasMessageStartingWith("the JSON does not parse: ");
        assertThatThrownBy(() -> ReplyJson.object("[\"a\"]"))
                .hasMessage("the reply is a JSON array, not the object asked for");
    }
}
