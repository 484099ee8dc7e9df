package dev.casebook.server.batch;

import java.util.Locale;

/**
 * Where a batch run (an evaluation run, a dream job) is: queued and running runs have work left; the others are at
 * rest (a cancelled or failed run may be resumed).
 */
public enum RunStatus {
    QUEUED, RUNNING, COMPLETED, CANCELLED, FAILED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RunStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    public boolean terminal() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }
}
