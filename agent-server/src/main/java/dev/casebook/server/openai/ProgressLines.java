package dev.casebook.server.openai;

import tools.jackson.databind.JsonNode;

/**
 * The agent's steps as the short lines a chat client shows as reasoning: the cases selected, each plan, each tool call
 * and a summary of its result, each subtask's result, stops and restarts. Steps that say nothing to a user (the answer
 * itself, which is the content; rewards; memory writes) and step types it does not know give no line.
 */
final class ProgressLines {
    private static final int SHORT = 160;

    private ProgressLines() {
    }

    /** The line of a step as {@code /api/tasks/{id}/steps} shows it, ending with a newline; null for none. */
    static String of(String type, JsonNode step) {
        String line = switch (type) {
            case "cases_selected" -> cases(step);
            case "planned" -> plan(step);
            case "tool_called" -> "→ " + step.path("tool").asString() + " " + shorten(step.path("argumentsJson")
                    .asString(""));
            case "tool_returned" -> "← " + step.path("tool").asString() + (step.path("ok").asBoolean(true) ? ": "
                    : " failed: ") + shorten(step.path("result").asString(""));
            case "subtask_done" -> "Subtask " + step.path("subtask").asInt() + " done: "
                    + shorten(step.path("result").asString(""));
            case "stopped" -> "Stopped (" + step.path("reason").asString() + "): "
                    + shorten(step.path("detail").asString(""));
            case "restarted" -> "Restarted after attempt " + step.path("attempt").asInt() + " ("
                    + step.path("reason").asString() + ")";
            default -> null;
        };
        return line == null ? null : line + "\n";
    }

    private static String cases(JsonNode step) {
        JsonNode picks = step.path("picks");
        if (picks.isEmpty()) {
            return "Memory: no past case selected";
        }
        StringBuilder out = new StringBuilder("Memory: " + picks.size() + " past case" + (picks.size() == 1 ? "" : "s")
                + " selected (" + step.path("policy").asString() + " policy)");
        for (JsonNode pick : picks) {
            out.append("\n  ").append(pick.path("role").asString()).append(": ")
                    .append(shorten(pick.path("task").asString("")));
        }
        return out.toString();
    }

    private static String plan(JsonNode step) {
        int iteration = step.path("iteration").asInt(1);
        String head = iteration == 1 ? "Plan" : "Replan (round " + iteration + ")";
        JsonNode subtasks = step.path("subtasks");
        if (subtasks.isEmpty()) {
            return head + ": answer";
        }
        StringBuilder out = new StringBuilder(head + ":");
        int n = 0;
        for (JsonNode subtask : subtasks) {
            out.append("\n  ").append(++n).append(". ").append(shorten(subtask.asString("")));
        }
        return out.toString();
    }

    /** One line of at most {@value #SHORT} characters. */
    static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= SHORT ? line : line.substring(0, SHORT - 1) + "…";
    }
}
