package dev.casebook.tools;

/**
 * A tool could not run for reasons the model cannot fix (a sandbox that fails to start, an MCP server that is
 * down). {@link #retryable()} says whether trying the same call again may help.
 */
public class ToolInfrastructureException extends RuntimeException {
    private final boolean retryable;

    public ToolInfrastructureException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
