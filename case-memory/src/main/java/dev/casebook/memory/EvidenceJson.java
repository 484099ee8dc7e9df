package dev.casebook.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Evidence as JSON: {@code {"episode", "source", "reward", "rater", "plan", "answer", "at"}} with wire names
 * ({@code real}, {@code experience-model}) and ISO-8601 instants. Used by the Lucene store and by export/import.
 */
public final class EvidenceJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EvidenceJson() {
    }

    public static ObjectNode toNode(Evidence e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("episode", e.episode());
        node.put("source", e.source().wireName());
        node.put("reward", e.reward());
        node.put("rater", e.rater().wireName());
        node.put("plan", e.plan());
        node.put("answer", e.answer());
        node.put("at", e.at().toString());
        return node;
    }

    public static ArrayNode toArray(List<Evidence> events) {
        ArrayNode array = JSON.createArrayNode();
        events.forEach(e -> array.add(toNode(e)));
        return array;
    }

    public static String write(List<Evidence> events) {
        return toArray(events).toString();
    }

    /** Reads one event; throws {@link IllegalArgumentException} naming the field that is missing or wrong. */
    public static Evidence fromNode(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("an evidence event must be a JSON object");
        }
        JsonNode reward = node.get("reward");
        if (reward == null || !reward.isNumber()) {
            throw new IllegalArgumentException("evidence field 'reward' must be a number");
        }
        JsonNode at = node.get("at");
        Instant when;
        try {
            when = Instant.parse(at == null ? "" : at.asText());
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("evidence field 'at' must be an ISO-8601 instant, was " + at);
        }
        return new Evidence(text(node, "episode"), EvidenceSource.parse(text(node, "source")), reward.asDouble(),
                Rater.parse(text(node, "rater")), text(node, "plan"), text(node, "answer"), when);
    }

    public static List<Evidence> fromArray(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("'evidence' must be an array of events");
        }
        List<Evidence> events = new ArrayList<>();
        array.forEach(n -> events.add(fromNode(n)));
        return events;
    }

    public static List<Evidence> read(String json) {
        try {
            return fromArray(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("evidence is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
