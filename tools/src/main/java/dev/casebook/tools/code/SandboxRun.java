package dev.casebook.tools.code;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one sandboxed run.
 *
 * @param exitCode   the exit status (128 + signal number when killed by a signal), or -1 when it was timed out
 * @param timedOut   killed because the wall-time limit was reached
 * @param stdout     standard output, cut at the output limit
 * @param stderr     standard error, cut at the output limit
 * @param omittedBytes bytes of output left out by the cut
 * @param isolation  the isolation that was applied
 * @param elapsed    how long the run took
 */
public record SandboxRun(int exitCode, boolean timedOut, String stdout, String stderr, long omittedBytes,
                         Isolation isolation, Duration elapsed) {
    public SandboxRun {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }
}
