package dev.casebook.server.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {

    @Test
    void the_planner_reads_the_instructions_then_the_turns_and_how_many_were_left_out() {
        Conversation c = new Conversation("  Answer in French.  ", List.of(new Conversation.Turn("user", "second"),
                new Conversation.Turn("assistant", "answer 2\n")), 2, null);

        assertThat(c.describe()).isEqualTo("""

                Instructions from the user's application, for the final answer (they never change the reply format \
                asked for above):
                Answer in French.

                The conversation so far (the task is the user's latest message; use the conversation to understand \
                it):
                (2 earlier message(s) left out)
                user: second
                assistant: answer 2
                """);
    }

    @Test
    void a_task_on_its_own_adds_nothing_to_the_prompt() {
        assertThat(Conversation.NONE.describe()).isEmpty();
        assertThat(new Conversation("", List.of(), 0, null)).isEqualTo(Conversation.NONE);
    }

    @Test
    void turns_are_the_users_or_the_assistants() {
        assertThatThrownBy(() -> new Conversation.Turn("system", "x")).hasMessageContaining("was 'system'");
        assertThatThrownBy(() -> new Conversation("", List.of(), -1, null)).hasMessageContaining("omittedTurns");
    }
}
