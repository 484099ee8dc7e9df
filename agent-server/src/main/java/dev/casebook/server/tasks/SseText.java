package dev.casebook.server.tasks;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter.DataWithMediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A server-sent event written as one piece of text, as {@link SseEmitter#event()} lays it out
 * ({@code id:}, {@code event:}, {@code data:} lines, a blank line), with its JSON data already written. Spring's own
 * builder sends an event as three parts (the text before the data, the data through a JSON converter, the line ends),
 * each a converter look-up and a write of its own; one part per event costs one of each (docs/performance.md).
 * The id and name must not hold line breaks, nor the JSON (as Jackson writes it unindented).
 */
record SseText(String text) implements SseEmitter.SseEventBuilder {
    private static final MediaType UTF8_TEXT = new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8);

    /** An event with an id (null for none), a name and JSON data. */
    static SseText of(String id, String name, String json) {
        StringBuilder text = new StringBuilder(json.length() + 48);
        if (id != null) {
            text.append("id:").append(id).append('\n');
        }
        text.append("event:").append(name).append('\n');
        text.append("data:").append(json).append('\n').append('\n');
        return new SseText(text.toString());
    }

    @Override
    public Set<DataWithMediaType> build() {
        return Set.of(new DataWithMediaType(text, UTF8_TEXT));
    }

    @Override
    public SseEmitter.SseEventBuilder id(String id) {
        throw complete();
    }

    @Override
    public SseEmitter.SseEventBuilder name(String eventName) {
        throw complete();
    }

    @Override
    public SseEmitter.SseEventBuilder reconnectTime(long reconnectTimeMillis) {
        throw complete();
    }

    @Override
    public SseEmitter.SseEventBuilder comment(String comment) {
        throw complete();
    }

    @Override
    public SseEmitter.SseEventBuilder data(Object object) {
        throw complete();
    }

    @Override
    public SseEmitter.SseEventBuilder data(Object object, MediaType mediaType) {
        throw complete();
    }

    private static UnsupportedOperationException complete() {
        return new UnsupportedOperationException("an SseText is a complete event; build it with SseText.of");
    }
}
