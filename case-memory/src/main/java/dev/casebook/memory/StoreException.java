package dev.casebook.memory;

/**
 * The store's infrastructure failed (disk, database). {@link #retryable()} says whether trying again can help,
 * for example after a lost connection, as opposed to a corrupt index.
 */
public class StoreException extends RuntimeException {
    private final boolean retryable;

    public StoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
