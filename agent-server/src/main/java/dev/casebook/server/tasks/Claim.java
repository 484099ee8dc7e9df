package dev.casebook.server.tasks;

import java.util.Objects;

/**
 * One instance's claim of a task: the task runs there as attempt {@code attempt}. The pair (runner, attempt) fences
 * every write of that run: once the task was taken back (its lease expired) or claimed again, the old claim's
 * writes change nothing.
 */
record Claim(String taskId, String runner, int attempt) {
    public Claim {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(runner, "runner");
        if (attempt < 1) {
            throw new IllegalArgumentException("a claim's attempt starts at 1, was " + attempt);
        }
    }
}
