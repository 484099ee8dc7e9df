package dev.casebook.server.lessons;

import dev.casebook.server.agent.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * A rollout's episode as the failure analysis reads it: the plans, then the tool calls and results, subtask results
 * and stops, each cut to a few hundred characters; when the whole is longer than the limit, the earliest steps are
 * left out (a failure usually shows at the end).
 */
public record Trace(String plan, String text) {
    static final int MAX_STEP_CHARS = 1_500;

    public static Trace of(List<Step> steps, int maxChars) {
        List<String> plans = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (Step step : steps) {
            switch (step) {
                case Step.Planned p -> plans.add(p.planJson());
                case Step.ToolCalled c -> lines.add("call " + c.tool() + " " + cut(c.argumentsJson(), MAX_STEP_CHARS));
                case Step.ToolReturned r -> lines.add((r.ok() ? "result: " : "failed: ") + cut(r.result(),
                        MAX_STEP_CHARS));
                case Step.SubtaskDone d -> lines.add("subtask " + d.subtask() + " (" + d.description() + ") ended: "
                        + cut(d.result(), MAX_STEP_CHARS));
                case Step.Stopped s -> lines.add("stopped: " + s.reason() + ": " + s.detail());
                case Step.Answered a -> lines.add("answered: " + cut(a.answer(), MAX_STEP_CHARS));
                default -> {
                }
            }
        }
        StringBuilder text = new StringBuilder();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i) + "\n";
            if (text.length() + line.length() > maxChars) {
                text.insert(0, "[" + (i + 1) + " earlier step(s) left out]\n");
                break;
            }
            text.insert(0, line);
        }
        return new Trace(String.join("\n", plans), text.toString().strip());
    }

    public static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + " [... " + (text.length() - max)
                + " more characters]";
    }
}
