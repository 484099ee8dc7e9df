package dev.casebook.server.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.server.agent.Conversation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChatMessagesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode json(String text) {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void the_last_user_message_is_the_task_system_messages_instructions_the_rest_turns() {
        ChatMessages m = ChatMessages.read(json("""
                [{'role': 'system', 'content': 'Be brief.'},
                 {'role': 'user', 'content': 'Hi there'},
                 {'role': 'assistant', 'content': null, 'refusal': null},
                 {'role': 'developer', 'content': [{'type': 'text', 'text': 'Use metric units.'}]},
                 {'role': 'assistant', 'content': [{'type': 'text', 'text': 'Hello!'}, {'type': 'refusal', 'refusal': 'No.'}]},
                 {'role': 'user', 'content': [{'type': 'text', 'text': '  How far is it?  '}, {'type': 'text', 'text': 'In km.'}]}]
                """), 10_000);

        assertThat(m.task()).isEqualTo("How far is it?  \nIn km.");
        assertThat(m.instructions()).isEqualTo("Be brief.\n\nUse metric units.");
        assertThat(m.turns()).containsExactly(new Conversation.Turn("user", "Hi there"),
                new Conversation.Turn("assistant", ""), new Conversation.Turn("assistant", "Hello!\nNo."));
        assertThat(m.omitted()).isZero();
        assertThat(m.files()).isEmpty();
    }

    @Test
    void older_turns_beyond_the_context_limit_are_left_out_and_counted() {
        ChatMessages m = ChatMessages.read(json("""
                [{'role': 'user', 'content': 'first question, rather long'},
                 {'role': 'assistant', 'content': 'first answer'},
                 {'role': 'user', 'content': 'second'},
                 {'role': 'assistant', 'content': 'answer 2'},
                 {'role': 'user', 'content': 'the task'}]
                """), 20);

        assertThat(m.turns()).extracting(Conversation.Turn::text).containsExactly("second", "answer 2");
        assertThat(m.omitted()).isEqualTo(2);
    }

    @Test
    void files_of_user_messages_are_decoded_and_noted_in_earlier_turns() {
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII));
        String png = Base64.getMimeEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        ChatMessages m = ChatMessages.read(json("""
                [{'role': 'user', 'content': [{'type': 'text', 'text': 'Here is the report'},
                   {'type': 'file', 'file': {'filename': 'report.pdf', 'file_data': 'data:application/pdf;base64,%s'}}]},
                 {'role': 'assistant', 'content': 'Got it.'},
                 {'role': 'user', 'content': [{'type': 'image_url', 'image_url': {'url': 'data:image/jpeg;base64,%s', 'detail': 'high'}},
                   {'type': 'file', 'file': {'file_id': 'att-1'}}, {'type': 'input_text', 'text': 'And this?'}]}]
                """.formatted(pdf, png.replace("\r\n", "")).replace("\r\n", "")), 10_000);

        assertThat(m.task()).isEqualTo("And this?");
        assertThat(m.turns().getFirst().text()).isEqualTo("Here is the report\n[attached: report.pdf]");
        assertThat(m.files()).hasSize(3);
        FilePart.Inline report = (FilePart.Inline) m.files().get(0);
        assertThat(report.name()).isEqualTo("report.pdf");
        assertThat(report.mimeType()).isEqualTo("application/pdf");
        assertThat(new String(report.bytes(), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4 fake");
        assertThat(report.image()).isFalse();
        FilePart.Inline image = (FilePart.Inline) m.files().get(1);
        assertThat(image.name()).isEqualTo("image-2.jpg");
        assertThat(image.image()).isTrue();
        assertThat(image.param()).isEqualTo("messages[2].content[0]");
        assertThat(m.files().get(2)).isEqualTo(new FilePart.Uploaded("messages[2].content[1].file.file_id", "att-1"));
    }

    @Test
    void messages_casebook_cannot_take_are_refused_naming_the_field() {
        assertRefused("[]", "messages", "must be a non-empty array");
        assertRefused("[{'role': 'user', 'content': 'a'}, {'role': 'assistant', 'content': 'b'}]", "messages[1]",
                "the last message must be the user's");
        assertRefused("[{'role': 'user', 'content': [{'type': 'image_url', 'image_url': {'url': 'x'}}]}]",
                "messages[0].content[0].image_url", "must be a data: URL");
        assertRefused("[{'role': 'user', 'content': [{'type': 'file', 'file': {'file_data': 'data:text/plain,hi'}}]}]",
                "messages[0].content[0].file.file_data", "base64 data: URL");
        assertRefused("[{'role': 'user', 'content': [{'type': 'file', 'file': {'file_data': '***'}}]}]",
                "messages[0].content[0].file.file_data", "not valid base64");
        assertRefused("[{'role': 'user', 'content': [{'type': 'input_audio', 'input_audio': {}}]}]",
                "messages[0].content[0].type", "Casebook reads text, image_url");
        assertRefused("[{'role': 'assistant', 'tool_calls': [{'id': 'c'}]}, {'role': 'user', 'content': 'a'}]",
                "messages[0].tool_calls", "Casebook runs its own tools");
        assertRefused("[{'role': 'system', 'content': [{'type': 'file', 'file': {'file_id': 'x'}}]}, "
                + "{'role': 'user', 'content': 'a'}]", "messages[0].content[0]", "only user messages may carry");
        assertRefused("[{'role': 'user', 'content': [{'type': 'file', 'file': {'file_id': 'x'}}]}]",
                "messages[0].content", "the last user message has no text");
        assertRefused("[{'role': 'narrator', 'content': 'a'}]", "messages[0].role", "was 'narrator'");
        assertRefused("[{'role': 'user', 'content': 42}]", "messages[0].content", "a string or an array");
    }

    private static void assertRefused(String messages, String param, String message) {
        assertThatThrownBy(() -> ChatMessages.read(json(messages), 10_000)).isInstanceOfSatisfying(
                OpenAiException.class, e -> {
                    assertThat(e.getBody().getProperties()).containsEntry("param", param);
                    assertThat(e.getStatusCode().value()).isEqualTo(400);
                }).hasMessageContaining(message);
    }
}
