package dev.casebook.bench.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.casebook.memory.CaseLabel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One case of AgentFly's case bank ({@code memento/memory.jsonl}): its task text, its label and the number of steps
 * of its plan. Everything here is known when a case is selected.
 */
record BankCase(String text, CaseLabel label, int planSteps) {
    BankCase {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(label, "label");
        if (planSteps < 0) {
            throw new IllegalArgumentException("planSteps must be >= 0, was " + planSteps);
        }
    }

    private static final Pattern STEP_ID = Pattern.compile("\"id\"\\s*:");

    /** The number of {@code "id":} entries of a plan's JSON text (its steps), 0 for a plan without any. */
    static int planSteps(String plan) {
        Matcher m = STEP_ID.matcher(plan);
        int steps = 0;
        while (m.find()) {
            steps++;
        }
        return steps;
    }

    /** Reads {@code {case, plan, case_label}} rows; a malformed row fails with its line number. */
    static List<BankCase> read(Path file) {
        return JsonlRows.read(file, row -> {
            JsonNode plan = row.get("plan");
            return new BankCase(row.path("case").asText(), CaseLabel.parse(row.path("case_label").asText()),
                    plan == null ? 0 : planSteps(plan.isTextual() ? plan.asText() : plan.toString()));
        });
    }
}
