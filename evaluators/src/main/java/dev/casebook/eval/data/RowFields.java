package dev.casebook.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Field access on a JSON row that fails with a {@link MalformedRow} naming the field. */
final class RowFields {
    static final String ANSWER_SPLIT = "<|answer_split|>";

    private RowFields() {
    }

    static String requiredText(JsonNode row, String field) {
        JsonNode node = row.get(field);
        if (node == null || node.isNull()) {
            throw new MalformedRow("missing field '" + field + "'");
        }
        if (!node.isValueNode()) {
            throw new MalformedRow("field '" + field + "' must be a string, not " + node.getNodeType().name().toLowerCase());
        }
        String text = node.asText();
        if (text.isBlank()) {
            throw new MalformedRow("field '" + field + "' is blank");
        }
        return text;
    }

    static String optionalText(JsonNode row, String field) {
        JsonNode node = row.get(field);
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }

    static JsonNode requiredObject(JsonNode row, String field) {
        JsonNode node = row.get(field);
        if (node == null || !node.isObject()) {
            throw new MalformedRow("field '" + field + "' must be an object");
        }
        return node;
    }

    /** Gold answers joined by {@code <|answer_split|>}, each trimmed, empty pieces dropped; at least one. */
    static List<String> splitGold(String joined, String field) {
        List<String> golds = new ArrayList<>();
        for (String piece : joined.split(Pattern.quote(ANSWER_SPLIT), -1)) {
            if (!piece.isBlank()) {
                golds.add(piece.strip());
            }
        }
        if (golds.isEmpty()) {
            throw new MalformedRow("field '" + field + "' has no answer");
        }
        return golds;
    }

    static Map<String, String> scalars(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        if (object != null && object.isObject()) {
            object.properties().forEach(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    values.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return values;
    }
}
