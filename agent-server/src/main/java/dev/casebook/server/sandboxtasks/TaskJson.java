package dev.casebook.server.sandboxtasks;

import dev.casebook.llm.ReplyJson;
import dev.casebook.tools.tasks.SandboxTask;
import java.util.LinkedHashMap;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the generator's reply: its JSON object (code fences, prose around it and the usual slips such as raw line
 * breaks inside a program's string repaired by {@link ReplyJson}) must have exactly the fields {@value #FIELDS_TEXT},
 * each of its type, and make a valid {@link SandboxTask} with a non-blank near-miss program. Anything else is {@link Invalid}, with a message the
 * generator is shown to correct its reply.
 */
final class TaskJson {
    static final List<String> FIELDS = List.of("statement", "files", "validator", "reference", "near_miss",
            "difficulty");
    static final String FIELDS_TEXT = "statement, files, validator, reference, near_miss, difficulty";
    /** What the generator is asked for ({@code response_format}). */
    static final JsonSchema SCHEMA = JsonSchema.builder().name("sandbox_task").rootElement(JsonObjectSchema.builder()
            .addStringProperty("statement")
            .addProperty("files", JsonObjectSchema.builder().description("relative path to text content")
                    .additionalProperties(true).build())
            .addStringProperty("validator").addStringProperty("reference").addStringProperty("near_miss")
            .addIntegerProperty("difficulty")
            .required(FIELDS).build()).build();

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Not a usable task; the message says why. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** A valid reply: the task and its near-miss, a plausible wrong solution the validator must reject. */
    record Parsed(SandboxTask task, String nearMiss) {
    }

    private TaskJson() {
    }

    static Parsed parse(String reply) throws Invalid {
        JsonNode node;
        try {
            node = ReplyJson.object(reply);
        } catch (ReplyJson.Invalid e) {
            throw new Invalid(e.getMessage());
        }
        for (String name : node.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw new Invalid("unknown field '" + name + "'; the fields are " + FIELDS_TEXT);
            }
        }
        for (String field : FIELDS) {
            if (!node.has(field) || node.get(field).isNull()) {
                throw new Invalid("the field '" + field + "' is missing");
            }
        }
        String nearMiss = string(node, "near_miss");
        if (nearMiss.isBlank()) {
            throw new Invalid("'near_miss' must not be blank: a plausible wrong solution the validator must reject");
        }
        if (nearMiss.length() > SandboxTask.MAX_PROGRAM_CHARS) {
            throw new Invalid("'near_miss' has " + nearMiss.length() + " characters; at most "
                    + SandboxTask.MAX_PROGRAM_CHARS);
        }
        try {
            return new Parsed(new SandboxTask(string(node, "statement"), files(node.get("files")),
                    string(node, "validator"), string(node, "reference"), difficulty(node.get("difficulty"))),
                    nearMiss);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    private static String string(JsonNode node, String field) throws Invalid {
        JsonNode value = node.get(field);
        if (!value.isString()) {
            throw new Invalid("'" + field + "' must be a string");
        }
        return value.asString();
    }

    private static Map<String, String> files(JsonNode files) throws Invalid {
        if (!files.isObject()) {
            throw new Invalid("'files' must be an object of relative path to text content");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> file : files.properties()) {
            if (!file.getValue().isString()) {
                throw new Invalid("the content of file '" + file.getKey() + "' must be a string");
            }
            out.put(file.getKey(), file.getValue().asString());
        }
        return out;
    }

    private static int difficulty(JsonNode value) throws Invalid {
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new Invalid("'difficulty' must be a whole number from " + SandboxTask.MIN_DIFFICULTY + " to "
                    + SandboxTask.MAX_DIFFICULTY);
        }
        return value.intValue();
    }
}
