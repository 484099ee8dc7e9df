package dev.casebook.tools.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the runs' cgroups are made and how: one directory with the {@code memory} and {@code pids} controllers
 * (cgroup v2), or one in each of the v1 {@code memory} and {@code pids} hierarchies. A run's cgroup is named
 * {@value #PREFIX}{@code <server pid>-<n>}, so that those a crashed server left can be told apart and removed.
 */
sealed interface CgroupTree {
    String PREFIX = "casebook-run-";

    RunLimits kind();

    /** The directories the runs' cgroups are created in. */
    List<Path> parents();

    /**
     * A fresh cgroup for one run that caps its processes together at {@code memoryBytes} (no swap) and
     * {@code maxProcesses} processes and threads; the caller closes it, which removes it.
     *
     * @throws IOException when the cgroup cannot be created or limited (nothing is left behind)
     */
    RunCgroup create(long memoryBytes, int maxProcesses) throws IOException;

    /** cgroup v2: the runs' cgroups are children of {@code parent}, which delegates memory and pids to them. */
    record V2(Path parent) implements CgroupTree {
        @Override
        public RunLimits kind() {
            return RunLimits.CGROUP_V2;
        }

        @Override
        public List<Path> parents() {
            return List.of(parent);
        }

        @Override
        public RunCgroup create(long memoryBytes, int maxProcesses) throws IOException {
            Path dir = Files.createDirectory(parent.resolve(nextName()));
            try {
                write(dir.resolve("memory.max"), memoryBytes);
                if (Files.exists(dir.resolve("memory.swap.max"))) {
                    write(dir.resolve("memory.swap.max"), 0);
                }
                write(dir.resolve("pids.max"), maxProcesses);
            } catch (IOException e) {
                RunCgroup.remove(List.of(dir));
                throw e;
            }
            return new RunCgroup(List.of(dir), dir.resolve("memory.events"), dir.resolve("pids.events"),
                    dir.resolve("cgroup.kill"));
        }
    }

    /** cgroup v1: each run gets a cgroup under {@code memoryParent} and one under {@code pidsParent}. */
    record V1(Path memoryParent, Path pidsParent) implements CgroupTree {
        @Override
        public RunLimits kind() {
            return RunLimits.CGROUP_V1;
        }

        @Override
        public List<Path> parents() {
            return memoryParent.equals(pidsParent) ? List.of(memoryParent) : List.of(memoryParent, pidsParent);
        }

        @Override
        public RunCgroup create(long memoryBytes, int maxProcesses) throws IOException {
            String name = nextName();
            List<Path> dirs = new ArrayList<>();
            try {
                Path memory = Files.createDirectory(memoryParent.resolve(name));
                dirs.add(memory);
                Path pids = memory;
                if (!memoryParent.equals(pidsParent)) {
                    pids = Files.createDirectory(pidsParent.resolve(name));
                    dirs.add(pids);
                }
                write(memory.resolve("memory.limit_in_bytes"), memoryBytes);
                if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
                    write(memory.resolve("memory.memsw.limit_in_bytes"), memoryBytes);
                }
                write(pids.resolve("pids.max"), maxProcesses);
                // the last directory, the pids cgroup, is the one whose cgroup.procs the run is killed from
                return new RunCgroup(List.copyOf(dirs), memory.resolve("memory.oom_control"),
                        pids.resolve("pids.events"), null);
            } catch (IOException e) {
                RunCgroup.remove(dirs);
                throw e;
            }
        }
    }

    private static void write(Path file, long value) throws IOException {
        try {
            Files.writeString(file, Long.toString(value));
        } catch (IOException e) {
            throw new IOException("cannot write " + value + " to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String nextName() {
        return PREFIX + ProcessHandle.current().pid() + "-" + RunCgroup.nextNumber();
    }

    /** Removes the (empty) run cgroups under {@code parents} that servers no longer running left behind. */
    static void removeAbandoned(List<Path> parents) {
        for (Path parent : parents) {
            try (var children = Files.list(parent)) {
                for (Path child : children.toList()) {
                    String name = child.getFileName().toString();
                    if (name.startsWith(PREFIX) && Files.isDirectory(child) && !alive(name)) {
                        RunCgroup.remove(List.of(child));
                    }
                }
            } catch (IOException e) {
                // nothing to sweep there; the probe reports what does not work
            }
        }
    }

    private static boolean alive(String name) {
        String rest = name.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
