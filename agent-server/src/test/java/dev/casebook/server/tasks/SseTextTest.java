package dev.casebook.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class SseTextTest {
    private final ObjectMapper json = JsonMapper.builder().build();

    /** What Spring's own builder sends for an event: its text parts as they are, its JSON part as the mapper writes it. */
    static String springLayout(SseEmitter.SseEventBuilder event, ObjectMapper json) {
        StringBuilder text = new StringBuilder();
        for (DataWithMediaType part : event.build()) {
            text.append(part.getData() instanceof String s ? s : json.writeValueAsString(part.getData()));
        }
        return text.toString();
    }

    @Test
    void a_step_event_is_laid_out_as_springs_builder_lays_it_out_in_one_utf8_text_part() {
        ObjectNode step = json.createObjectNode().put("seq", 3).put("type", "answered")
                .put("answer", "Zürich ✓ 😀 \"quoted\" \\ and\nnewline");
        SseText ours = SseText.of("3", "answered", json.writeValueAsString(step));

        assertThat(ours.text()).isEqualTo(springLayout(SseEmitter.event().id("3").name("answered")
                .data(step, MediaType.APPLICATION_JSON), json));
        Set<DataWithMediaType> parts = ours.build();
        assertThat(parts).hasSize(1);
        DataWithMediaType part = parts.iterator().next();
        assertThat(part.getMediaType().toString()).isEqualTo("text/plain;charset=UTF-8");
    }

    @Test
    void the_end_event_has_no_id_and_is_laid_out_as_springs_builder_lays_it_out() {
        SseText ours = SseText.of(null, "end", json.writeValueAsString(Map.of("status", "answered")));

        assertThat(ours.text()).isEqualTo("event:end\ndata:{\"status\":\"answered\"}\n\n")
                .isEqualTo(springLayout(SseEmitter.event().name("end").data(Map.of("status", "answered"),
                        MediaType.APPLICATION_JSON), json));
    }
}
