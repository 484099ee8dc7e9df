package dev.casebook.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The JSON arguments of one tool call, read by name. Every accessor throws {@link ToolArgumentException} with a
 * message the model can act on when an argument is missing or has the wrong type.
 */
public final class ToolArguments {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode node;

    private ToolArguments(ObjectNode node) {
        this.node = node;
    }

    public static ToolArguments parse(String argumentsJson) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson);
        } catch (JsonProcessingException e) {
            throw new ToolArgumentException("the arguments are not valid JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new ToolArgumentException("the arguments must be a JSON object, got: " + parsed);
        }
        return new ToolArguments(object);
    }

    public String string(String name) {
        return optionalString(name)
                .orElseThrow(() -> new ToolArgumentException("missing required argument '" + name + "'"));
    }

    public Optional<String> optionalString(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw new ToolArgumentException("argument '" + name + "' must be a string, got: " + value);
        }
        String text = value.asText();
        return text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return defaultValue;
        }
        int number;
        if (value.canConvertToInt() && value.isIntegralNumber()) {
            number = value.intValue();
        } else if (value.isTextual() && value.asText().strip().matches("-?\\d{1,9}")) {
            number = Integer.parseInt(value.asText().strip());
        } else {
            throw new ToolArgumentException("argument '" + name + "' must be an integer, got: " + value);
        }
        if (number < min || number > max) {
            throw new ToolArgumentException(
                    "argument '" + name + "' must be between " + min + " and " + max + ", got: " + number);
        }
        return number;
    }
}
