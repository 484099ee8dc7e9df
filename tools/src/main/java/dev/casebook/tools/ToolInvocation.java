package dev.casebook.tools;

import java.util.Objects;

/** One call of a tool: its raw JSON arguments as the model wrote them, and the context of the task. */
public record ToolInvocation(String argumentsJson, ToolContext context) {
    public ToolInvocation {
        argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
        Objects.requireNonNull(context, "context");
    }
}
