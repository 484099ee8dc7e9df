package dev.casebook.llm;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON in a model's reply text ({@link ReplyText#text()}, reasoning already split off), repairing what models
 * commonly get wrong with Jackson's lenient read features: code fences and prose around the value, trailing commas,
 * single quotes, comments, unquoted names, raw control characters in strings. Steps that ask a model for JSON read its
 * reply with this and check the fields themselves.
 *
 * <p>The value is found by reading one JSON value at each {@code {} or {@code [} of the text, left to right, skipping
 * what an earlier value covered ({@link #spans}): the first object wins; without one, the first array.
 */
public final class ReplyJson {
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonMapper STRICT = JsonMapper.builder().build();

    /** Not JSON; the message says why, for the model to correct. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    /** A JSON object or array found in a text, from {@code start} (its bracket) to {@code end} (exclusive). */
    public record Span(int start, int end, JsonNode value) {
        public boolean contains(int index) {
            return index >= start && index < end;
        }
    }

    private ReplyJson() {
    }

    /** The JSON object of the reply, else its first JSON array (see the class). */
    public static JsonNode read(String reply) throws Invalid {
        String text = reply == null ? "" : reply.strip();
        if (text.isEmpty()) {
            throw new Invalid("the reply was empty");
        }
        List<Span> spans = spans(text);
        for (Span span : spans) {
            if (span.value().isObject()) {
                return span.value();
            }
        }
        if (!spans.isEmpty()) {
            return spans.getFirst().value();
        }
        throw why(text);
    }

    /** As {@link #read}, and the value must be an object. */
    public static JsonNode object(String reply) throws Invalid {
        JsonNode node = read(reply);
        if (!node.isObject()) {
            throw new Invalid("the reply is a JSON array, not the object asked for");
        }
        return node;
    }

    /** Every JSON object and array of the text that is not inside another one, in order. */
    public static List<Span> spans(String text) {
        List<Span> spans = new ArrayList<>();
        int from = 0;
        while (true) {
            int start = firstBracket(text, from);
            if (start < 0) {
                return spans;
            }
            Span span = valueAt(text, start);
            if (span == null) {
                from = start + 1;
            } else {
                spans.add(span);
                from = span.end();
            }
        }
    }

    /** The value as compact JSON, as a step records it. */
    public static String compact(JsonNode node) {
        return STRICT.writeValueAsString(node);
    }

    private static Span valueAt(String text, int start) {
        String rest = text.substring(start);
        try (JsonParser parser = LENIENT.createParser(rest)) {
            JsonNode node = LENIENT.readTree(parser);
            if (node == null || !(node.isObject() || node.isArray())) {
                return null;
            }
            return new Span(start, start + (int) parser.currentLocation().getCharOffset(), node);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Why no JSON value could be read: no bracket, a bracket never closed, or the parser's complaint. */
    private static Invalid why(String text) {
        int start = firstBracket(text, 0);
        if (start < 0) {
            return new Invalid("the reply contains no JSON object");
        }
        char open = text.charAt(start);
        int end = text.lastIndexOf(open == '{' ? '}' : ']');
        if (end < start) {
            return new Invalid("the JSON " + (open == '{' ? "object" : "array") + " is not closed");
        }
        try {
            LENIENT.readTree(text.substring(start, end + 1));
            return new Invalid("the JSON does not parse");
        } catch (JacksonException e) {
            return new Invalid("the JSON does not parse: " + e.getOriginalMessage());
        }
    }

    private static int firstBracket(String text, int from) {
        int i = text.indexOf('{', from);
        int j = text.indexOf('[', from);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
