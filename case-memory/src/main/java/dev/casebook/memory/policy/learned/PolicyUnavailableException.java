package dev.casebook.memory.policy.learned;

/**
 * The learned policy cannot work: its engine does not load, or its checkpoint is corrupt or does not match the
 * embedding model. Retrying does not help; the caller falls back to similarity selection.
 */
public class PolicyUnavailableException extends RuntimeException {
    public PolicyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public PolicyUnavailableException(String message) {
        super(message);
    }
}
