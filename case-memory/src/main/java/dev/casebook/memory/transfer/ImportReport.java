package dev.casebook.memory.transfer;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of an import that stored its valid lines: how many cases were stored and which lines were skipped.
 */
public record ImportReport(CaseFormat format, int imported, List<LineError> skipped) {
    public ImportReport {
        Objects.requireNonNull(format, "format");
        if (imported < 0) {
            throw new IllegalArgumentException("imported must not be negative, was " + imported);
        }
        skipped = List.copyOf(skipped);
    }
}
