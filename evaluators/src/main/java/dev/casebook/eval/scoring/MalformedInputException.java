package dev.casebook.eval.scoring;

/** A line of a scoring input cannot be used; {@link #line()} is its 1-based number. Fix the input and retry. */
public class MalformedInputException extends RuntimeException {
    private final long line;

    public MalformedInputException(long line, String reason) {
        super("line " + line + ": " + reason);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
