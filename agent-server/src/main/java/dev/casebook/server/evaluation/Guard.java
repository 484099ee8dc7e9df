package dev.casebook.server.evaluation;

import dev.casebook.memory.TaskKey;
import java.util.Set;

/**
 * The leave-one-task-out guard. A case written from an evaluation question gets the origin
 * {@code eval:<hash of the normalised question>} (the first half of its {@link TaskKey}); with the guard on, a
 * question's case selection excludes both that origin and every case whose task text is the question's (same
 * {@link TaskKey}: equal after trimming, collapsing whitespace and lowercasing), so neither its own earlier answer nor
 * an identical question written by a normal task, imported from a case bank or run from another dataset is selected.
 * The stores apply both exclusions inside the search, so the planner still gets K other cases.
 */
final class Guard {
    private Guard() {
    }

    static String origin(String question) {
        return "eval:" + TaskKey.of(question).hex().substring(0, 32);
    }

    static Set<String> excludedOrigins(boolean on, String question) {
        return on ? Set.of(origin(question)) : Set.of();
    }

    static Set<TaskKey> excludedTasks(boolean on, String question) {
        return on ? Set.of(TaskKey.of(question)) : Set.of();
    }

    /** A safety check on what was selected anyway; with the guard on in the stores it is never true. */
    static boolean sameText(String a, String b) {
        return TaskKey.same(a, b);
    }
}
