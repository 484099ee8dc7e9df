package dev.casebook.eval.score;

/** The judge model could not be reached or failed; a later retry may help. Not a verdict. */
public class JudgeUnavailableException extends RuntimeException {
    public JudgeUnavailableException(String interaction, Throwable cause) {
        super("the " + interaction + " model call failed: " + cause.getMessage(), cause);
    }

    public boolean retryable() {
        return true;
    }
}
