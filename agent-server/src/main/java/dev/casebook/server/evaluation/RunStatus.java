package dev.casebook.server.evaluation;

import java.util.Locale;

/** Where a run is: queued and running runs have work left; the others are at rest (a cancelled run may be resumed). */
enum RunStatus {
    QUEUED, RUNNING, COMPLETED, CANCELLED, FAILED;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static RunStatus of(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    boolean terminal() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }
}
