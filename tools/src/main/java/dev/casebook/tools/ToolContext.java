package dev.casebook.tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a tool may know of the task calling it: the tenant, the task id, the task's attachment files (readable by
 * document and code tools) and the time the tool may take.
 */
public record ToolContext(String tenant, String taskId, List<Path> attachments, Duration timeout) {
    public ToolContext {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(taskId, "taskId");
        attachments = List.copyOf(Objects.requireNonNullElse(attachments, List.of()));
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }
}
