package dev.casebook.inference;

/**
 * A DJL engine did not load offline: its native library is not on the class path (or not for this platform), or
 * it failed to start. The message names the engine and the cause; retrying cannot help.
 */
public final class EngineUnavailableException extends InferenceException {

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
