package dev.casebook.memory.policy.learned;

import java.nio.file.Path;

/** A checkpoint is corrupt or was trained for another embedding model, dimension or feature layout. */
public class CheckpointRejectedException extends PolicyUnavailableException {
    private final Path directory;

    public CheckpointRejectedException(Path directory, String reason, Throwable cause) {
        super("refusing checkpoint " + directory + ": " + reason, cause);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
