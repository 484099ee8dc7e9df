package dev.casebook.bench.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.casebook.memory.CaseLabel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One row of AgentFly's case-selection training data ({@code memento/training_data.jsonl}): a query, a case from
 * the bank with its label, and whether that case truly helps the query ({@code truth_label}).
 */
public record SelectionPair(String query, String caseText, CaseLabel caseLabel, boolean helps) {
    public SelectionPair {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(caseText, "caseText");
        Objects.requireNonNull(caseLabel, "caseLabel");
    }


    /** Reads the JSONL file; a malformed row fails with its line number. */
    public static List<SelectionPair> read(Path file) {
        return JsonlRows.read(file, row -> new SelectionPair(text(row, "query"), text(row, "case"),
                CaseLabel.parse(text(row, "case_label")), truth(row)));
    }

    private static String text(JsonNode row, String field) {
        JsonNode value = row.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must be a non-blank string");
        }
        return value.asText();
    }

    private static boolean truth(JsonNode row) {
        JsonNode value = row.get("truth_label");
        if (value == null || !value.isBoolean()) {
            throw new IllegalArgumentException("field 'truth_label' must be true or false");
        }
        return value.asBoolean();
    }
}
