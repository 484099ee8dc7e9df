package dev.casebook.server.llm;

import java.util.Arrays;
import java.util.Optional;

/**
 * An LLM call that produced no usable reply. {@link Kind#UNAVAILABLE}: retries were spent on 429s, 5xx, time-outs or
 * broken connections (trying later may help); {@link Kind#REJECTED}: the server refused the request (bad key, unknown
 * model, invalid request; retrying the same call will not help); {@link Kind#DEADLINE}: the task's wall time ran out
 * during the call; {@link Kind#TRUNCATED}: the reply was cut at the token limit ({@code finish_reason: length}), also
 * after the retry with {@code retry-max-tokens} when one is configured; {@link Kind#CONTEXT_WINDOW}: the prompt does
 * not fit the model's context window (the step may shrink it and ask again).
 */
public class LlmException extends RuntimeException {

    public enum Kind {
        UNAVAILABLE("llm_unavailable"), REJECTED("llm_rejected"), DEADLINE("budget_time"), TRUNCATED("truncated"),
        CONTEXT_WINDOW("context_window");

        private final String reason;

        Kind(String reason) {
            this.reason = reason;
        }

        /** The stable failure reason of a task that ends with this. */
        public String reason() {
            return reason;
        }

        /** The kind whose {@link #reason()} this is; empty for a reason no model call gives (or null). */
        public static Optional<Kind> ofReason(String reason) {
            return Arrays.stream(values()).filter(kind -> kind.reason.equals(reason)).findFirst();
        }
    }

    private final Kind kind;
    private final int attempts;
    private final LlmReply.Usage spent;

    public LlmException(Kind kind, String message, int attempts, Throwable cause) {
        this(kind, message, attempts, LlmReply.Usage.NONE, cause);
    }

    /** @param spent the tokens the calls cost although no usable reply came (a truncated reply's) */
    public LlmException(Kind kind, String message, int attempts, LlmReply.Usage spent, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.attempts = attempts;
        this.spent = spent == null ? LlmReply.Usage.NONE : spent;
    }

    public Kind kind() {
        return kind;
    }

    public int attempts() {
        return attempts;
    }

    public LlmReply.Usage spent() {
        return spent;
    }

    public boolean retryable() {
        return kind == Kind.UNAVAILABLE;
    }
}
