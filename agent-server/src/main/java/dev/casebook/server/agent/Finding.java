package dev.casebook.server.agent;

import java.util.List;
import java.util.function.Function;

/** The result of one executed subtask, as the planner and the answer step see it. */
record Finding(int subtask, String description, String result) {

    static String describe(List<Finding> findings) {
        return describe(findings, Integer.MAX_VALUE);
    }

    /**
     * The findings as a prompt shows them, every result but the last cut to {@code maxResultChars} characters (with a
     * note): how a prompt too long for the context window keeps the newest result whole.
     */
    static String describe(List<Finding> findings, int maxResultChars) {
        return describe(findings, maxResultChars, true);
    }

    private static String describe(List<Finding> findings, int maxResultChars, boolean keepLast) {
        if (findings.isEmpty()) {
            return "(nothing was found yet)\n";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            String result = f.result();
            if ((i < findings.size() - 1 || !keepLast) && result.length() > maxResultChars) {
                result = result.substring(0, maxResultChars) + " [shortened to fit the context window: "
                        + result.length() + " characters]";
            }
            out.append("Subtask ").append(f.subtask()).append(": ").append(f.description()).append('\n')
                    .append("Result: ").append(result).append("\n\n");
        }
        return out.toString();
    }

    /**
     * A reduction of a prompt that shows these findings in its user message at {@code index}: each time the results
     * are cut shorter (2000, 500, 100 characters), all but the newest when {@code keepLast} (the planner's next round
     * is decided on it), then it has nothing more to take away.
     */
    static Prompt.Reduction shortened(int index, List<Finding> findings, boolean keepLast,
            Function<String, String> render) {
        int[] limits = {2000, 500, 100};
        return Prompt.rewritten("older subtask results shortened", index, times -> times > limits.length ? null
                : render.apply(describe(findings, limits[times - 1], keepLast)));
    }
}
