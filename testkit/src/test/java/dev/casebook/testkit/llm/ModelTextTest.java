package dev.casebook.testkit.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelTextTest {

    @Test
    void writes_the_reasoning_block_with_the_object_right_after_it() {
        assertThat(ModelText.thinking("Known factor.").then("{\"answer\": \"4\"}").text())
                .isEqualTo("<think>Known factor.</think>{\"answer\": \"4\"}");
    }

    @Test
    void writes_prose_and_a_json_fence_each_on_lines_of_their_own() {
        assertThat(ModelText.thinking("Easy.").line("Here is the lesson:").fenced("{\"insight\": \"x\"}")
                .line("Hope this helps.").text()).isEqualTo("""
                        <think>Easy.</think>
                        Here is the lesson:
                        ```json
                        {"insight": "x"}
                        ```
                        Hope this helps.""");
    }

    @Test
    void a_reply_cut_while_thinking_never_closes_its_reasoning_block() {
        assertThat(ModelText.cutWhileThinking("The successes all").text()).isEqualTo("<think>The successes all");
    }

    @Test
    void a_reply_may_open_with_prose_instead_of_reasoning() {
        assertThat(ModelText.saying("Here it is:").fenced("{}").reply().content())
                .isEqualTo("Here it is:\n```json\n{}\n```");
    }
}
