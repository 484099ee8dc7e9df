package dev.casebook.server.agent;

import java.util.Locale;

/** The answer in a model's text: what follows the last {@code FINAL ANSWER:} (GAIA's convention), else the text. */
final class FinalAnswer {
    static final String MARKER = "FINAL ANSWER:";

    private FinalAnswer() {
    }

    static String extract(String text) {
        String trimmed = text == null ? "" : text.strip();
        int at = trimmed.toUpperCase(Locale.ROOT).lastIndexOf(MARKER);
        if (at < 0) {
            return trimmed;
        }
        return trimmed.substring(at + MARKER.length()).strip();
    }

    /** True when the text is a JSON plan rather than an answer (the reference implementation's failure mode). */
    static boolean looksLikePlan(String text) {
        String t = text == null ? "" : text.strip();
        if (!(t.startsWith("{") || t.startsWith("[") || t.startsWith("```"))) {
            return false;
        }
        try {
            return PlanJson.parse(t, 50) instanceof PlannerDecision.Subtasks;
        } catch (PlanJson.Invalid e) {
            return false;
        }
    }
}
