package dev.casebook.server.agent;

import java.util.Objects;

/** Ends a run early with a {@link StopReason} and a detail. */
final class Stop extends RuntimeException {
    private final StopReason reason;

    Stop(StopReason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    Stop(StopReason reason, String detail) {
        this(reason, detail, null);
    }

    StopReason reason() {
        return reason;
    }
}
