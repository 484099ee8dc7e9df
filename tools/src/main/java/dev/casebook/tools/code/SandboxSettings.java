package dev.casebook.tools.code;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one sandboxed run.
 *
 * @param wallTime       the longest a run may take before it is killed
 * @param cpuTime        the CPU time a run may use (all its processes and threads)
 * @param memoryBytes    address space of a Python process; heap of a Java process (which gets {@link #JVM_OVERHEAD}
 *                       more address space for code, metadata and thread stacks)
 * @param maxProcesses   processes and threads the sandbox user may have at once
 * @param maxFileBytes   the largest file a run may write
 * @param maxOutputChars the most characters kept of standard output and of standard error each
 * @param workRoot       where temporary workspaces are created ({@code null}: the system temporary directory)
 */
public record SandboxSettings(Duration wallTime, Duration cpuTime, long memoryBytes, int maxProcesses,
                              long maxFileBytes, int maxOutputChars, Path workRoot) {
    public static final long JVM_OVERHEAD = 2L << 30;

    public SandboxSettings {
        Objects.requireNonNull(wallTime, "wallTime");
        Objects.requireNonNull(cpuTime, "cpuTime");
        if (wallTime.toMillis() < 100 || cpuTime.toSeconds() < 1) {
            throw new IllegalArgumentException("wallTime must be at least 100 ms and cpuTime at least 1 s");
        }
        if (memoryBytes < 32L << 20) {
            throw new IllegalArgumentException("memoryBytes must be at least 32 MiB, was " + memoryBytes);
        }
        if (maxProcesses < 1 || maxFileBytes < 1 || maxOutputChars < 100) {
            throw new IllegalArgumentException("maxProcesses, maxFileBytes must be positive, maxOutputChars >= 100");
        }
        workRoot = workRoot == null ? Path.of(System.getProperty("java.io.tmpdir")) : workRoot;
    }

    public static SandboxSettings defaults() {
        return new SandboxSettings(Duration.ofSeconds(30), Duration.ofSeconds(20), 512L << 20, 64, 64L << 20,
                20_000, null);
    }

    public SandboxSettings withWallTime(Duration time) {
        return new SandboxSettings(time, cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputChars, workRoot);
    }

    public SandboxSettings withWorkRoot(Path root) {
        return new SandboxSettings(wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputChars, root);
    }

    public SandboxSettings withMaxOutputChars(int chars) {
        return new SandboxSettings(wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, chars, workRoot);
    }

    public SandboxSettings withMemoryBytes(long bytes) {
        return new SandboxSettings(wallTime, cpuTime, bytes, maxProcesses, maxFileBytes, maxOutputChars, workRoot);
    }
}
