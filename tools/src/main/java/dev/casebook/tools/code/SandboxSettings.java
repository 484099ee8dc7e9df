package dev.casebook.tools.code;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of one sandboxed run.
 *
 * @param wallTime       the longest a run may take before it is killed
 * @param cpuTime        the CPU time each process of a run may use (all its threads)
 * @param memoryBytes    the memory of a whole run, with cgroups ({@link RunLimits}): its processes together and the
 *                       files it writes in its RAM-backed workspace and {@code /tmp}; a Java run gets this as its
 *                       heap and {@link #JVM_MEMORY_OVERHEAD} more for the JVM itself. Also the address space of each
 *                       Python process (a Java process gets {@link #JVM_ADDRESS_OVERHEAD} more)
 * @param maxProcesses   processes and threads of a run at once (with cgroups; else of all runs of the sandbox user)
 * @param maxFileBytes   the largest file a run may write
 * @param maxOutputChars the most characters kept of standard output and of standard error each
 * @param workspaceBytes the most a run's workspace may hold (a RAM-backed file system of this size, with namespaces;
 *                       a fresh workspace gets room for its attachments on top)
 * @param workRoot       where temporary workspaces are created ({@code null}: the system temporary directory)
 * @param cgroupParent   a cgroup v2 directory whose children the runs' cgroups become, its {@code memory} and
 *                       {@code pids} controllers delegated to the server ({@code null}: the server's own cgroup)
 */
public record SandboxSettings(Duration wallTime, Duration cpuTime, long memoryBytes, int maxProcesses,
                              long maxFileBytes, int maxOutputChars, long workspaceBytes, Path workRoot,
                              Path cgroupParent) {
    /** Address space a Java process gets beyond its heap (reserved, mostly never touched). */
    public static final long JVM_ADDRESS_OVERHEAD = 2L << 30;
    /** Memory a Java run may use beyond its heap: metaspace, code cache, thread stacks, the JDK's own files. */
    public static final long JVM_MEMORY_OVERHEAD = 256L << 20;

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
        if (workspaceBytes < 1L << 20) {
            throw new IllegalArgumentException("workspaceBytes must be at least 1 MiB, was " + workspaceBytes);
        }
        workRoot = workRoot == null ? Path.of(System.getProperty("java.io.tmpdir")) : workRoot;
    }

    public static SandboxSettings defaults() {
        return new SandboxSettings(Duration.ofSeconds(30), Duration.ofSeconds(20), 512L << 20, 64, 64L << 20,
                20_000, 256L << 20, null, null);
    }

    public SandboxSettings withWallTime(Duration time) {
        return new SandboxSettings(time, cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputChars,
                workspaceBytes, workRoot, cgroupParent);
    }

    public SandboxSettings withWorkRoot(Path root) {
        return new SandboxSettings(wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputChars,
                workspaceBytes, root, cgroupParent);
    }

    public SandboxSettings withMaxOutputChars(int chars) {
        return new SandboxSettings(wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, chars,
                workspaceBytes, workRoot, cgroupParent);
    }

    public SandboxSettings withMemoryBytes(long bytes) {
        return new SandboxSettings(wallTime, cpuTime, bytes, maxProcesses, maxFileBytes, maxOutputChars,
                workspaceBytes, workRoot, cgroupParent);
    }

    public SandboxSettings withMaxProcesses(int processes) {
        return new SandboxSettings(wallTime, cpuTime, memoryBytes, processes, maxFileBytes, maxOutputChars,
                workspaceBytes, workRoot, cgroupParent);
    }

    public SandboxSettings withWorkspaceBytes(long bytes) {
        return new SandboxSettings(wallTime, cpuTime, memoryBytes, maxProcesses, maxFileBytes, maxOutputChars,
                bytes, workRoot, cgroupParent);
    }
}
