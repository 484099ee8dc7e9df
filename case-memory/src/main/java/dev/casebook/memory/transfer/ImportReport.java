package dev.casebook.memory.transfer;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of an import that stored its valid lines: how many cases were stored, which lines were duplicates of a
 * case already in the bank (or of an earlier line) and left out, and which lines were skipped as malformed.
 */
public record ImportReport(CaseFormat format, int imported, List<Integer> duplicates, List<LineError> skipped) {
    public ImportReport {
        Objects.requireNonNull(format, "format");
        if (imported < 0) {
            throw new IllegalArgumentException("imported must not be negative, was " + imported);
        }
        duplicates = List.copyOf(duplicates);
        skipped = List.copyOf(skipped);
    }
}
