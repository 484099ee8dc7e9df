package dev.casebook.server.tasks;

import dev.casebook.server.agent.Step;
import java.time.Instant;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** The wire names of steps and their JSON form, shared by run records, the steps endpoint and SSE. */
final class StepJson {
    /** A step's JSON with {@code Step.LlmUse.tokensEstimated} true, wherever the step carries it. */
    private static final String ESTIMATED = "\"tokensEstimated\":true";

    private StepJson() {
    }

    static String type(Step step) {
        return switch (step) {
            case Step.CasesSelected s -> "cases_selected";
            case Step.Planned s -> "planned";
            case Step.ToolCalled s -> "tool_called";
            case Step.ToolReturned s -> "tool_returned";
            case Step.SubtaskDone s -> "subtask_done";
            case Step.Answered s -> "answered";
            case Step.Rewarded s -> "rewarded";
            case Step.MemoryWritten s -> "memory_written";
            case Step.MemorySkipped s -> "memory_skipped";
            case Step.PromptShrunk s -> "prompt_shrunk";
            case Step.Stopped s -> "stopped";
        };
    }

    static String payload(ObjectMapper json, Step step) {
        return json.writeValueAsString(step);
    }

    /**
     * True when the step's payload says some of its tokens were estimated (the endpoint sent no usage): what a task's
     * {@code tokens_estimated} is set from as its steps are recorded, the test the read once ran over the payloads.
     */
    static boolean estimated(String payload) {
        return payload.contains(ESTIMATED);
    }

    /** A recorded step (a row of {@code task_steps}); {@code payload} is the step as JSON. */
    record Row(int seq, String type, String phase, String payload, long tokens, long millis, Instant at) {
    }

    /**
     * The step as the API shows it, from its payload already read as a tree ({@code fields}, which this takes
     * over): a step is serialised once for its record and its live event.
     */
    static ObjectNode view(ObjectNode fields, int seq, String type, String phase, long tokens, long millis,
            Instant at) {
        ObjectNode node = fields.objectNode();
        node.put("seq", seq);
        node.put("type", type);
        node.put("phase", phase);
        node.put("tokens", tokens);
        node.put("millis", millis);
        node.put("at", at.toString());
        fields.remove("phase");
        fields.remove("tokens");
        fields.remove("millis");
        node.setAll(fields);
        return node;
    }

    /** The step as the API shows it: seq, type, phase, tokens, millis, at, then the step's own fields. */
    static ObjectNode view(ObjectMapper json, Row row) {
        ObjectNode node = json.createObjectNode();
        node.put("seq", row.seq());
        node.put("type", row.type());
        node.put("phase", row.phase());
        node.put("tokens", row.tokens());
        node.put("millis", row.millis());
        node.put("at", row.at().toString());
        ObjectNode fields = (ObjectNode) json.readTree(row.payload());
        fields.remove("phase");
        fields.remove("tokens");
        fields.remove("millis");
        node.setAll(fields);
        return node;
    }
}
