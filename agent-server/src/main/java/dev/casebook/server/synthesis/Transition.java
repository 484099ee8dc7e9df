package dev.casebook.server.synthesis;

import java.util.List;
import java.util.Objects;

/**
 * One tool call of an episode and what came back: in a dream, what the experience model predicted (with its reward,
 * null when it could not tell yet, its {@code done} and its reasoning); in a recorded task, what the real tool
 * returned.
 *
 * @param failed true when the call gave no result (a tool failure the agent saw)
 */
record Transition(String tool, String arguments, String observation, Double reward, boolean done, String reasoning,
        boolean failed) {
    private static final int DIGEST_CHARS = 400;

    Transition {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(observation, "observation");
        if (reward != null && (reward.isNaN() || reward < 0 || reward > 1)) {
            throw new IllegalArgumentException("reward must be within [0, 1] or null, was " + reward);
        }
        reasoning = reasoning == null ? "" : reasoning;
    }

    /** A call of a recorded task. */
    static Transition real(String tool, String arguments, String observation, boolean ok) {
        return new Transition(tool, arguments, observation, null, false, "", !ok);
    }

    /**
     * The latest {@code last} calls as numbered lines, {@code tool arguments -> result}, each result cut to a few
     * hundred characters: the history the experience model reads, and what the replay buffer keeps of the calls
     * before a real one. {@code (none)} when there are none.
     */
    static String digest(List<Transition> steps, int last) {
        if (steps.isEmpty()) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        int from = Math.max(0, steps.size() - last);
        if (from > 0) {
            out.append("(").append(from).append(" earlier call(s) left out)\n");
        }
        for (int i = from; i < steps.size(); i++) {
            Transition t = steps.get(i);
            out.append(i + 1).append(". ").append(t.tool()).append(' ').append(oneLine(t.arguments(), DIGEST_CHARS))
                    .append(t.failed() ? " -> (failed) " : " -> ").append(oneLine(t.observation(), DIGEST_CHARS))
                    .append('\n');
        }
        return out.toString().stripTrailing();
    }

    static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= max ? line : line.substring(0, max) + "...";
    }
}
