package dev.casebook.server.agent;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the planner's JSON, repairing what models commonly get wrong: code fences, prose around the object,
 * trailing commas, single quotes, comments, unquoted names. Accepts {@code {"subtasks": [...]}} (strings, or
 * objects with a {@code description}), a bare array of subtasks, and {@code {"answer": "..."}}.
 */
final class PlanJson {
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();
    private static final JsonMapper STRICT = JsonMapper.builder().build();

    /** Not a plan; the message says why, for the planner to correct. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private PlanJson() {
    }

    static PlannerDecision parse(String reply, int maxSubtasks) throws Invalid {
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
        JsonNode node;
        try {
            node = LENIENT.readTree(text.substring(start, end + 1));
        } catch (JacksonException e) {
            throw new Invalid("the JSON does not parse: " + e.getOriginalMessage());
        }
        if (node.isArray()) {
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.set("subtasks", node);
            node = wrapped;
        }
        for (String key : new String[] {"answer", "final_answer", "finalAnswer"}) {
            JsonNode answer = node.path(key);
            if (answer.isValueNode() && !answer.asString().isBlank()) {
                return new PlannerDecision.Answer(answer.asString().strip(), STRICT.writeValueAsString(node));
            }
        }
        List<String> subtasks = new ArrayList<>();
        for (String key : new String[] {"subtasks", "plan", "steps"}) {
            for (JsonNode item : node.path(key)) {
                String description = description(item);
                if (!description.isBlank() && subtasks.size() < maxSubtasks) {
                    subtasks.add(description.strip());
                }
            }
            if (!subtasks.isEmpty()) {
                break;
            }
        }
        if (subtasks.isEmpty()) {
            throw new Invalid("the JSON has neither a non-empty \"subtasks\" array nor an \"answer\"");
        }
        return new PlannerDecision.Subtasks(subtasks, STRICT.writeValueAsString(node));
    }

    private static String description(JsonNode item) {
        if (item.isValueNode()) {
            return item.asString();
        }
        for (String key : new String[] {"description", "subtask", "task", "goal", "step"}) {
            if (item.path(key).isValueNode()) {
                return item.path(key).asString();
            }
        }
        return "";
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
