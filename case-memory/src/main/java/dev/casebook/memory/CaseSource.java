package dev.casebook.memory;

import java.util.Locale;

/** Where the experience behind a case came from. */
public enum CaseSource {
    /** A task run against the real world. */
    REAL,
    /** A rollout against the experience model (DreamGym-style). */
    SYNTHETIC,
    /** A generated task run in a process sandbox (EvoCUA-style). */
    SANDBOX;

    public static CaseSource parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("source must be one of real, synthetic, sandbox, was '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
