package dev.casebook.tools.code;

/**
 * How the memory and process limits of a run are enforced: for the run as a whole (a cgroup per run) where the host
 * lets the server create cgroups with the {@code memory} and {@code pids} controllers, else per process. Detected once,
 * like the {@link Isolation}, and named in every result.
 */
public enum RunLimits {
    /** A cgroup v2 per run: {@code memory.max}, {@code memory.swap.max=0} and {@code pids.max}. */
    CGROUP_V2("memory and processes/threads limited for the whole run together (a cgroup v2 per run, no swap)"),
    /** A cgroup per run in the cgroup v1 {@code memory} and {@code pids} hierarchies. */
    CGROUP_V1("memory and processes/threads limited for the whole run together (a cgroup v1 per run, no swap)"),
    /** No usable cgroups: {@code prlimit} only. */
    PER_PROCESS("memory limited per process only, so the processes of a run together may use more; the process "
            + "limit is shared by all runs of the sandbox user (no writable cgroup with the memory and pids "
            + "controllers on this system)");

    private final String description;

    RunLimits(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
