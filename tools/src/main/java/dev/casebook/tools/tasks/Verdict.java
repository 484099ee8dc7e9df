package dev.casebook.tools.tasks;

import java.util.Locale;
import java.util.Objects;

/**
 * What a task's validator said of a workspace. {@code Passed}: it exited 0. {@code Failed}: it exited non-zero, or a
 * failed {@code assert} or a missing file ended it (the task is not solved). {@code Broken}: the validator itself did
 * not work (it crashed with another exception, ran out of time, was killed by a limit, or tried the network), so its
 * word says nothing about the workspace.
 */
public sealed interface Verdict {

    /** What the validator printed (standard output, then standard error), cut to a few thousand characters. */
    String output();

    default boolean passed() {
        return this instanceof Passed;
    }

    /** {@code passed}, {@code failed}, or the problem of a broken validator ({@code crashed}, ...). */
    String wireName();

    record Passed(String output) implements Verdict {
        public Passed {
            Objects.requireNonNull(output, "output");
        }

        public String wireName() {
            return "passed";
        }
    }

    record Failed(String output) implements Verdict {
        public Failed {
            Objects.requireNonNull(output, "output");
        }

        public String wireName() {
            return "failed";
        }
    }

    record Broken(Problem problem, String output) implements Verdict {
        public Broken {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(output, "output");
        }

        public String wireName() {
            return problem.wireName();
        }
    }

    /** Why a validator did not work. */
    enum Problem {
        CRASHED, TIMED_OUT, KILLED, NETWORK;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
