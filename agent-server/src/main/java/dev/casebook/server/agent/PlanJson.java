package dev.casebook.server.agent;

import dev.casebook.llm.ReplyJson;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the planner's JSON, repairing what models commonly get wrong ({@link ReplyJson}). Accepts
 * {@code {"subtasks": [...]}} (strings, or objects with a {@code description}), a bare array of subtasks, and
 * {@code {"answer": "..."}}.
 */
final class PlanJson {
    /** What the planner is asked for ({@code response_format}): subtasks, or an answer. */
    static final JsonSchema SCHEMA = JsonSchema.builder().name("plan").rootElement(JsonObjectSchema.builder()
            .addProperty("subtasks", JsonArraySchema.builder().items(new JsonStringSchema()).build())
            .addStringProperty("answer").build()).build();

    /** Not a plan; the message says why, for the planner to correct. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private PlanJson() {
    }

    static PlannerDecision parse(String reply, int maxSubtasks) throws Invalid {
        JsonNode node;
        try {
            node = ReplyJson.read(reply);
        } catch (ReplyJson.Invalid e) {
            throw new Invalid(e.getMessage());
        }
        if (node.isArray()) {
            ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
            wrapped.set("subtasks", node);
            node = wrapped;
        }
        for (String key : new String[] {"answer", "final_answer", "finalAnswer"}) {
            JsonNode answer = node.path(key);
            if (answer.isValueNode() && !answer.isNull() && !answer.asString().isBlank()) {
                String problem = FinalAnswer.notAnAnswer(answer.asString());
                if (problem != null) {
                    throw new Invalid(problem);
                }
                return new PlannerDecision.Answer(answer.asString().strip(), ReplyJson.compact(node));
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
        return new PlannerDecision.Subtasks(subtasks, ReplyJson.compact(node));
    }

    private static String description(JsonNode item) {
        if (item.isValueNode()) {
            return item.asString();
        }
        for (String key : new String[] {"description", "desc", "subtask", "task", "goal", "step"}) {
            if (item.path(key).isValueNode()) {
                return item.path(key).asString();
            }
        }
        return "";
    }
}
