package dev.casebook.inference;

/**
 * A model of the server could not run: an engine that does not load, a device that does not exist, a batch that
 * failed or was not served in time. {@link #retryable()} says whether trying again can help.
 */
public class InferenceException extends RuntimeException {
    private final boolean retryable;

    public InferenceException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
