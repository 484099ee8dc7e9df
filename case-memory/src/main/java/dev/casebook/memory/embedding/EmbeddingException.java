package dev.casebook.memory.embedding;

/**
 * The embedding model failed (a remote endpoint down, a model that could not be loaded). {@link #retryable()} says
 * whether trying again can help.
 */
public class EmbeddingException extends RuntimeException {
    private final boolean retryable;

    public EmbeddingException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
