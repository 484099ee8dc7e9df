package dev.casebook.memory.transfer;

/** A line of an import that was not stored, and why. Lines count from 1. */
public record LineError(int line, String detail) {
    public LineError {
        if (line < 1) {
            throw new IllegalArgumentException("line must be positive, was " + line);
        }
        if (detail == null || detail.isBlank()) {
            throw new IllegalArgumentException("detail must not be blank");
        }
    }

    @Override
    public String toString() {
        return "line " + line + ": " + detail;
    }
}
