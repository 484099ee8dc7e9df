package dev.casebook.server.tasks;

import java.util.Locale;

/** Where a task is in its life: queued → running → answered | failed | cancelled. */
enum TaskStatus {
    QUEUED, RUNNING, ANSWERED, FAILED, CANCELLED;

    public boolean finished() {
        return this == ANSWERED || this == FAILED || this == CANCELLED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire name ({@code queued}, {@code running}, ...) in any case. */
    public static TaskStatus parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(
                    "status must be one of queued, running, answered, failed, cancelled, was '" + text + "'");
        }
    }
}
