package dev.casebook.server.synthesis;

import java.util.Objects;

/**
 * A real transition of the replay buffer: a tool call of a recorded task and what the tool returned.
 *
 * @param history the digest of the task's calls before this one ({@link Transition#digest})
 * @param ok      false when the tool answered with a failure the model saw
 */
record ReplayTransition(long id, String tenant, String taskId, String task, String history, String tool,
        String arguments, String observation, boolean ok) {
    ReplayTransition {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(observation, "observation");
    }

    /** What retrieval compares: the call first (the embedder reads about 256 word pieces), then the task. */
    static String embeddingText(String tool, String arguments, String task) {
        String text = tool + " " + arguments + "\n" + task;
        return text.length() <= 2000 ? text : text.substring(0, 2000);
    }
}
