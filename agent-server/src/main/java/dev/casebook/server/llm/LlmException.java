package dev.casebook.server.llm;

/**
 * An LLM call that produced no reply. {@link Kind#UNAVAILABLE}: retries were spent on 429s, 5xx, time-outs or broken
 * connections (trying later may help); {@link Kind#REJECTED}: the server refused the request (bad key, unknown
 * model, invalid request; retrying the same call will not help); {@link Kind#DEADLINE}: the task's wall time ran out
 * during the call.
 */
public class LlmException extends RuntimeException {

    public enum Kind {
        UNAVAILABLE("llm_unavailable"), REJECTED("llm_rejected"), DEADLINE("budget_time");

        private final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        /** The stable failure reason of a task that ends with this. */
        public String reason() {
            return reason;
        }
    }

    private final Kind kind;
    private final int attempts;

    public LlmException(Kind kind, String message, int attempts, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.attempts = attempts;
    }

    public Kind kind() {
        return kind;
    }

    public int attempts() {
        return attempts;
    }

    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
