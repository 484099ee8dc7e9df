package dev.casebook.server.llm;

import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON in a model's reply, repairing what models commonly get wrong: code fences, prose around the value,
 * trailing commas, single quotes, comments, unquoted names, raw control characters in strings. Steps that ask a model
 * for JSON read its reply with this and check the fields themselves.
 */
public final class ReplyJson {
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    /** Not JSON; the message says why, for the model to correct. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    private ReplyJson() {
    }

    /**
     * The first JSON object or array of the reply, from its first {@code {} or {@code [} to the last matching
     * closing bracket.
     */
    public static JsonNode read(String reply) throws Invalid {
        String text = reply == null ? "" : reply.strip();
        if (text.isEmpty()) {
            throw new Invalid("the reply was empty");
        }
        int start = firstOf(text, '{', '[');
        if (start < 0) {
            throw new Invalid("the reply contains no JSON object");
        }
        char open = text.charAt(start);
        int end = text.lastIndexOf(open == '{' ? '}' : ']');
        if (end < start) {
            throw new Invalid("the JSON " + (open == '{' ? "object" : "array") + " is not closed");
        }
        try {
            return LENIENT.readTree(text.substring(start, end + 1));
        } catch (JacksonException e) {
            throw new Invalid("the JSON does not parse: " + e.getOriginalMessage());
        }
    }

    /** As {@link #read}, and the value must be an object. */
    public static JsonNode object(String reply) throws Invalid {
        JsonNode node = read(reply);
        if (!node.isObject()) {
            throw new Invalid("the reply is a JSON array, not the object asked for");
        }
        return node;
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
