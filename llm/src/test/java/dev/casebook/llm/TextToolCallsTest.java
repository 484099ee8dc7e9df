package dev.casebook.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.llm.TextToolCalls.Call;
import org.junit.jupiter.api.Test;

class TextToolCallsTest {

    @Test
    void reads_hermes_and_qwen_tool_call_tags_several_and_the_last_unclosed() {
        var found = TextToolCalls.read("""
                I will compute both.
                <tool_call>
                {"name": "calculator", "arguments": {"expression": "17*23"}}
                </tool_call>
                <tool_call>
                {"name": "calculator", "arguments": "{\\"expression\\": \\"2+2\\"}"}""");

        assertThat(found.dialect()).isEqualTo("hermes");
        assertThat(found.calls()).containsExactly(new Call("calculator", "{\"expression\":\"17*23\"}"),
                new Call("calculator", "{\"expression\": \"2+2\"}"));
        assertThat(found.text()).isEqualTo("I will compute both.");
    }

    @Test
    void reads_mistral_tool_calls_in_both_of_its_formats() {
        assertThat(TextToolCalls.read("[TOOL_CALLS][{\"name\": \"calculator\", \"arguments\": {\"expression\": \"6*7\"}}]")
                .calls()).containsExactly(new Call("calculator", "{\"expression\":\"6*7\"}"));
        var named = TextToolCalls.read("[TOOL_CALLS]calculator[ARGS]{\"expression\": \"6*7\"}"
                + "[TOOL_CALLS]web_search[ARGS]{\"query\": \"x\"}");
        assertThat(named.dialect()).isEqualTo("mistral");
        assertThat(named.calls()).containsExactly(new Call("calculator", "{\"expression\":\"6*7\"}"),
                new Call("web_search", "{\"query\":\"x\"}"));
    }

    @Test
    void reads_llama_3_python_tag_calls_with_parameters() {
        var found = TextToolCalls.read("<|python_tag|>{\"name\": \"calculator\", \"parameters\": {\"expression\": \"1+1\"}}"
                + "; {\"name\": \"calculator\", \"parameters\": {\"expression\": \"2+2\"}}<|eom_id|>");

        assertThat(found.dialect()).isEqualTo("llama3");
        assertThat(found.calls()).extracting(Call::arguments)
                .containsExactly("{\"expression\":\"1+1\"}", "{\"expression\":\"2+2\"}");
    }

    @Test
    void reads_a_bare_json_call_that_is_the_whole_text_and_nothing_else() {
        assertThat(TextToolCalls.read("```json\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"3*3\"}}\n```")
                .calls()).containsExactly(new Call("calculator", "{\"expression\":\"3*3\"}"));
        assertThat(TextToolCalls.read("{\"type\": \"function\", \"function\": {\"name\": \"calculator\", "
                + "\"arguments\": \"{}\"}}").calls()).containsExactly(new Call("calculator", "{}"));
        assertThat(TextToolCalls.read("The result: {\"name\": \"calculator\", \"arguments\": {}}").any()).isFalse();
        assertThat(TextToolCalls.read("{\"name\": \"Alice\", \"age\": 30}").any()).isFalse();
        assertThat(TextToolCalls.read("17*23 = 391").any()).isFalse();
    }
}
