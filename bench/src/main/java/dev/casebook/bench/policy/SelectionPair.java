package dev.casebook.bench.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.memory.CaseLabel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the JSONL file; a malformed row fails with its line number. */
    public static List<SelectionPair> read(Path file) {
        List<SelectionPair> pairs = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode row = JSON.readTree(line);
                    pairs.add(new SelectionPair(text(row, "query"), text(row, "case"),
                            CaseLabel.parse(text(row, "case_label")), truth(row)));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " line " + number + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return pairs;
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
