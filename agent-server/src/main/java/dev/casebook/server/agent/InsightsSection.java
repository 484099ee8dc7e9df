package dev.casebook.server.agent;

import dev.casebook.memory.insight.Insight;
import java.util.List;

/**
 * The planner prompt's {@code Insights} section: lessons distilled from groups of past tasks of the same family as
 * this one, each with the evidence it rests on. A section of its own, after the selected cases.
 */
final class InsightsSection {
    static final String HEADER = """
            Insights: lessons learned from groups of past tasks of the same kind as this one. Follow them unless \
            the task says otherwise; they outrank a single example that disagrees.
            """;

    private static final String INSIGHT = """
            - %s%s (from %d successful and %d failed tasks)
            """;

    private InsightsSection() {
    }

    /** The section, or an empty string when there are no insights. */
    static String describe(List<Insight> insights) {
        if (insights.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("\n").append(HEADER);
        for (Insight insight : insights) {
            out.append(INSIGHT.formatted(insight.family().isEmpty() ? "" : "For " + insight.family() + ": ",
                    insight.text().replaceAll("\\s*\\n\\s*", " "), insight.successes(), insight.failures()));
        }
        return out.toString();
    }
}
