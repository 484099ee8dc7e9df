package dev.casebook.tools.code;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one sandboxed run.
 *
 * @param exitCode     the exit status (128 + signal number when killed by a signal), or -1 when it was timed out
 * @param timedOut     killed because the wall-time limit was reached
 * @param stdout       standard output, cut at the output limit
 * @param stderr       standard error, cut at the output limit
 * @param omittedBytes bytes of output left out by the cut
 * @param isolation    the isolation that was applied
 * @param runLimits    how the memory and process limits were applied
 * @param hits         what the run's cgroup counted of its limits ({@link Hits#NONE} without one)
 * @param elapsed      how long the run took
 */
public record SandboxRun(int exitCode, boolean timedOut, String stdout, String stderr, long omittedBytes,
                         Isolation isolation, RunLimits runLimits, Hits hits, Duration elapsed) {
    public SandboxRun {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(isolation, "isolation");
        Objects.requireNonNull(runLimits, "runLimits");
        Objects.requireNonNull(hits, "hits");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /**
     * How often a run hit its whole-run limits.
     *
     * @param memoryKills  processes the kernel killed because the run's memory was used up
     * @param refusedForks processes or threads refused because the run had its maximum
     */
    public record Hits(long memoryKills, long refusedForks) {
        public static final Hits NONE = new Hits(0, 0);

        public Hits {
            if (memoryKills < 0 || refusedForks < 0) {
                throw new IllegalArgumentException("counts cannot be negative");
            }
        }
    }
}
