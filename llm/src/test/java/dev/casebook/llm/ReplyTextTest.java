package dev.casebook.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.AiMessage;
import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    void splits_a_think_block_holding_a_draft_answer_and_draft_json_from_the_plan() {
        ReplyText reply = ReplyText.of("""
                <think>
                The user wants 17*23. It seems {"subtasks": ["guess"]} would do, FINAL ANSWER: 400?
                </think>

                {"subtasks": ["Compute 17*23 with the calculator"]}""", null);

        assertThat(reply.text()).isEqualTo("{\"subtasks\": [\"Compute 17*23 with the calculator\"]}");
        assertThat(reply.reasoning()).startsWith("The user wants 17*23.").contains("FINAL ANSWER: 400?");
        assertThat(reply.unclosed()).isFalse();
    }

    @Test
    void takes_the_reasoning_field_and_the_inline_blocks_of_every_tag() {
        ReplyText reply = ReplyText.of("<thinking>one</thinking>A<reasoning>two</reasoning>B<THINK>three</THINK>C",
                "field");

        assertThat(reply.text()).isEqualTo("ABC");
        assertThat(reply.reasoning()).isEqualTo("field\n\none\n\ntwo\n\nthree");
    }

    @Test
    void an_unclosed_think_cut_by_the_token_limit_leaves_no_text() {
        ReplyText reply = ReplyText.of("<think>Let me work out the plan. {\"subtasks\": [\"a\"", null);

        assertThat(reply.text()).isEmpty();
        assertThat(reply.reasoning()).startsWith("Let me work out the plan.");
        assertThat(reply.unclosed()).isTrue();
    }

    @Test
    void a_closing_tag_without_its_opening_ends_the_reasoning_of_a_template_that_opened_it() {
        ReplyText reply = ReplyText.of("Okay, so 17*23 is 391.\n</think>\n\nFINAL ANSWER: 391", null);

        assertThat(reply.text()).isEqualTo("FINAL ANSWER: 391");
        assertThat(reply.reasoning()).isEqualTo("Okay, so 17*23 is 391.");
    }

    @Test
    void reads_the_final_channel_of_gpt_oss_harmony() {
        ReplyText reply = ReplyText.of("<|channel|>analysis<|message|>We need 2+2.<|end|><|start|>assistant"
                + "<|channel|>final<|message|>4<|return|>", null);

        assertThat(reply.text()).isEqualTo("4");
        assertThat(reply.reasoning()).contains("We need 2+2.");
    }

    @Test
    void a_reply_without_reasoning_is_its_text() {
        ReplyText reply = ReplyText.of(AiMessage.from("  plain  "));

        assertThat(reply.text()).isEqualTo("plain");
        assertThat(reply.hasReasoning()).isFalse();
        assertThat(ReplyText.of(AiMessage.builder().text("x").thinking("why").build()).reasoning()).isEqualTo("why");
        assertThat(ReplyText.of(null, null).text()).isEmpty();
    }
}
