package dev.casebook.server.agent;

/** Ends a run early with a stable reason ({@code budget_tokens}, {@code invalid_plan}, ...) and a detail. */
final class Stop extends RuntimeException {
    private final String reason;

    Stop(String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    Stop(String reason, String detail) {
        this(reason, detail, null);
    }

    String reason() {
        return reason;
    }
}
