package dev.casebook.tools.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup(s) of one run ({@link CgroupTree#create}): the run's processes join it by writing to
 * {@link #procsFiles()}; {@link #finish()} kills what is left of them, reads which limits they hit and removes it.
 */
final class RunCgroup implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunCgroup.class);
    private static final AtomicLong NUMBERS = new AtomicLong();
    private static final long EMPTY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final List<Path> dirs;
    private final Path memoryEvents;
    private final Path pidsEvents;
    private final Path killFile;
    private SandboxRun.Hits hits;

    /**
     * @param dirs         the run's cgroup directories; the last one lists all the run's processes
     * @param memoryEvents the file counting OOM kills ({@code memory.events} or v1 {@code memory.oom_control})
     * @param pidsEvents   the file counting refused forks ({@code pids.events})
     * @param killFile     cgroup v2's {@code cgroup.kill}, null for v1
     */
    RunCgroup(List<Path> dirs, Path memoryEvents, Path pidsEvents, Path killFile) {
        this.dirs = List.copyOf(dirs);
        this.memoryEvents = memoryEvents;
        this.pidsEvents = pidsEvents;
        this.killFile = killFile;
    }

    static long nextNumber() {
        return NUMBERS.incrementAndGet();
    }

    /** The files a process writes {@code 0} to, to join the run's cgroup(s) with its future children. */
    List<Path> procsFiles() {
        return dirs.stream().map(dir -> dir.resolve("cgroup.procs")).toList();
    }

    /** Kills every process in the run's cgroup, again until none is left (or 10 s went by). */
    void killAll() {
        if (killFile != null && Files.exists(killFile)) {
            try {
                Files.writeString(killFile, "1");
            } catch (IOException e) {
                LOG.debug("cannot write {}: {}", killFile, e.toString());
            }
        }
        long deadline = System.nanoTime() + EMPTY_WAIT_NANOS;
        List<Long> left;
        while (!(left = processes()).isEmpty() && System.nanoTime() < deadline) {
            left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            pause();
        }
    }

    /**
     * Ends the run's cgroup: kills what is left in it, waits until it is empty, reads which limits were hit and
     * removes it. Called once the run's main process has ended; later calls answer the same.
     */
    SandboxRun.Hits finish() {
        if (hits == null) {
            // a cancelled run's cgroup is still cleaned up; the interrupt is kept for the caller
            boolean interrupted = Thread.interrupted();
            try {
                killAll();
                hits = new SandboxRun.Hits(count(memoryEvents, "oom_kill"), count(pidsEvents, "max"));
                remove(dirs);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return hits;
    }

    @Override
    public void close() {
        finish();
    }

    private List<Long> processes() {
        Path procs = dirs.getLast().resolve("cgroup.procs");
        try {
            List<Long> pids = new ArrayList<>();
            for (String line : Files.readAllLines(procs)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.strip()));
                }
            }
            return pids;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", procs, e.toString());
            return List.of();
        }
    }

    /** The number after {@code key} in a flat-keyed cgroup file ({@code oom_kill 2}); 0 when absent. */
    private static long count(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return Long.parseLong(parts[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read {} from {}: {}", key, file, e.toString());
        }
        return 0;
    }

    /** Removes cgroup directories, waiting (up to 10 s) for the last exiting processes to leave them. */
    static void remove(List<Path> dirs) {
        long deadline = System.nanoTime() + EMPTY_WAIT_NANOS;
        for (Path dir : dirs.reversed()) {
            while (true) {
                try {
                    Files.deleteIfExists(dir);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        LOG.warn("cannot remove the sandbox run's cgroup {}: {}", dir, e.toString());
                        break;
                    }
                    pause();
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
