package dev.casebook.tools;

/**
 * The model called a tool with arguments it cannot use (missing, of the wrong type, out of range). {@link Toolbox}
 * turns it into a {@link ToolResult.Failed} whose text is this message, so the model can correct the call.
 */
public class ToolArgumentException extends RuntimeException {
    public ToolArgumentException(String message) {
        super(message);
    }
}
