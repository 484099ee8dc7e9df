package dev.casebook.memory;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a task uses case memory; in JSON by its wire name ({@code read-write}), read in either spelling. */
public enum MemoryMode {
    /** No cases are selected and none is written. */
    OFF,
    /** Cases are selected for the planner; the episode is not written back. */
    READ_ONLY,
    /** Cases are selected, and the episode becomes (or updates) a case. */
    READ_WRITE;

    /** Parses {@code off}, {@code read-only}, {@code read-write}. */
    @JsonCreator
    public static MemoryMode parse(String text) {
        String normalised = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(normalised);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "memory mode must be one of off, read-only, read-write, was '" + text + "'");
        }
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
