package dev.casebook.tools.code;

import dev.casebook.tools.ToolInfrastructureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command in a workspace under operating-system limits, and deletes what the run left outside it afterwards.
 *
 * <p>The child gets a minimal environment (none of the server's variables), wall-time, CPU, memory, process,
 * file-size, workspace-size and output limits, and the strongest {@link Isolation} this system supports, detected
 * once by trying them. Memory and processes are limited for the run as a whole (a cgroup per run) where the system
 * allows it ({@link RunLimits}), else per process. Attachments are copied into the workspace under their file names.
 */
public final class ProcessSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandbox.class);
    static final String WORKSPACE_IN_SANDBOX = "/workspace";
    private static final int NOBODY = 65534;
    /** How long a timed-out run's launch script gets to copy a kept workspace back once its program is killed. */
    private static final Duration COPY_BACK_TIME = Duration.ofSeconds(30);
    /** Runs on one kept workspace take turns (each copies it back when it ends); striped by the workspace's path. */
    private static final ReentrantLock[] WORKSPACE_LOCKS = new ReentrantLock[256];

    static {
        Arrays.setAll(WORKSPACE_LOCKS, i -> new ReentrantLock());
    }

    private final SandboxSettings settings;
    private final Isolation isolation;
    /** Where the runs' cgroups go; null when the limits are per process. */
    private final CgroupTree cgroups;

    public ProcessSandbox(SandboxSettings settings) {
        this(settings, IsolationProbe.best(), IsolationProbe.cgroups(settings).orElse(null));
    }

    /** A sandbox with limits per process only. */
    ProcessSandbox(SandboxSettings settings, Isolation isolation) {
        this(settings, isolation, null);
    }

    ProcessSandbox(SandboxSettings settings, Isolation isolation, CgroupTree cgroups) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.isolation = Objects.requireNonNull(isolation, "isolation");
        this.cgroups = cgroups;
    }

    public Isolation isolation() {
        return isolation;
    }

    public RunLimits runLimits() {
        return cgroups == null ? RunLimits.PER_PROCESS : cgroups.kind();
    }

    public SandboxSettings settings() {
        return settings;
    }

    /**
     * A run: files to write into the workspace, attachments to copy there, the command (run in the workspace),
     * extra directories to make visible read-only (an interpreter outside {@code /usr}), the address-space limit of
     * each process and the memory limit of the whole run.
     */
    public record Request(Map<String, String> files, List<Path> attachments, List<String> command,
                          List<Path> readOnly, long addressSpaceBytes, long memoryBytes, Duration wallTime) {
        public Request {
            files = Map.copyOf(files);
            attachments = List.copyOf(attachments);
            command = List.copyOf(command);
            readOnly = List.copyOf(readOnly);
            if (addressSpaceBytes <= 0 || memoryBytes <= 0) {
                throw new IllegalArgumentException("addressSpaceBytes and memoryBytes must be positive");
            }
            Objects.requireNonNull(wallTime, "wallTime");
        }
    }

    /**
     * A run on an existing workspace, which is kept (a task's workspace across several runs, checked afterwards).
     * The program's files are written to a directory of their own outside the workspace, visible read-only to the
     * run; every occurrence of {@value #PROGRAM_DIR} in the command is replaced by that directory. The workspace must
     * be writable by the sandbox user (world-writable when the server runs as root). With namespaces the run works on
     * a copy of the workspace in a file system of the workspace size, copied back when it ends (also when it timed
     * out); runs on the same workspace take turns.
     */
    public record WorkspaceRequest(Path workspace, Map<String, String> program, List<String> command,
                                   List<Path> readOnly, long addressSpaceBytes, long memoryBytes,
                                   Duration wallTime) {
        public WorkspaceRequest {
            Objects.requireNonNull(workspace, "workspace");
            program = Map.copyOf(program);
            command = List.copyOf(command);
            readOnly = List.copyOf(readOnly);
            Objects.requireNonNull(wallTime, "wallTime");
        }
    }

    /** In a {@link WorkspaceRequest}'s command: the directory holding the program's files. */
    public static final String PROGRAM_DIR = "{program}";

    public SandboxRun run(Request request) {
        Path base = createBase();
        try {
            Path workspace = base.resolve("workspace");
            Files.createDirectory(workspace);
            long staged = 0;
            for (Map.Entry<String, String> file : request.files().entrySet()) {
                staged += Files.size(writeText(workspace.resolve(file.getKey()), file.getValue()));
            }
            for (Path attachment : request.attachments()) {
                Path copy = workspace.resolve(attachment.getFileName().toString());
                Files.copy(attachment, copy, StandardCopyOption.REPLACE_EXISTING);
                staged += Files.size(copy);
            }
            openUp(workspace);
            // the attachments do not take the room the run has to write in
            return execute(new Launch.Plan(isolation, base, workspace, false, settings.workspaceBytes() + staged,
                    request, List.of()));
        } catch (IOException e) {
            throw new ToolInfrastructureException("cannot prepare the sandbox workspace in " + base + ": " + e, true, e);
        } finally {
            deleteRecursively(base);
        }
    }

    /** Runs a program on an existing workspace ({@link WorkspaceRequest}); the workspace is left as the run left it. */
    public SandboxRun runIn(WorkspaceRequest request) {
        if (!Files.isDirectory(request.workspace())) {
            throw new IllegalArgumentException("the workspace " + request.workspace() + " is not a directory");
        }
        Path workspace = request.workspace().toAbsolutePath().normalize();
        ReentrantLock lock = WORKSPACE_LOCKS[Math.floorMod(workspace.hashCode(), WORKSPACE_LOCKS.length)];
        lock.lock();
        try {
            Path base = createBase();
            try {
                Path program = base.resolve("program");
                Files.createDirectory(program);
                for (Map.Entry<String, String> file : request.program().entrySet()) {
                    Path target = program.resolve(file.getKey());
                    writeText(target, file.getValue());
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
                List<String> command = request.command().stream()
                        .map(part -> part.replace(PROGRAM_DIR, program.toString())).toList();
                List<Path> readOnly = new ArrayList<>(request.readOnly());
                readOnly.add(program);
                return execute(new Launch.Plan(isolation, base, workspace, true, settings.workspaceBytes(),
                        new Request(Map.of(), List.of(), command, readOnly, request.addressSpaceBytes(),
                                request.memoryBytes(), request.wallTime()), List.of()));
            } catch (IOException e) {
                throw new ToolInfrastructureException("cannot prepare the sandboxed program in " + base + ": " + e,
                        true, e);
            } finally {
                deleteRecursively(base);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes a program's or a workspace's file as UTF-8. Its text may come from a model, which can send an unpaired
     * surrogate: that has no UTF-8 form and is written as {@code ?}, rather than failing the run as if the sandbox
     * were broken.
     */
    static Path writeText(Path target, String text) throws IOException {
        return Files.write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    private SandboxRun execute(Launch.Plan plan) throws IOException {
        if (cgroups == null) {
            return execute(plan, null);
        }
        try (RunCgroup cgroup = createCgroup(plan.request())) {
            return execute(plan.joining(cgroup.procsFiles()), cgroup);
        }
    }

    private RunCgroup createCgroup(Request request) {
        try {
            return cgroups.create(request.memoryBytes(), settings.maxProcesses());
        } catch (IOException e) {
            throw new ToolInfrastructureException("cannot create the sandbox run's cgroup under " + cgroups.parents()
                    + ": " + e.getMessage(), true, e);
        }
    }

    private SandboxRun execute(Launch.Plan plan, RunCgroup cgroup) throws IOException {
        Request request = plan.request();
        ProcessBuilder builder = new ProcessBuilder(Launch.command(plan, settings));
        builder.environment().clear();
        builder.environment().putAll(environment(isolation == Isolation.LIMITS_ONLY ? plan.workspace().toString()
                : WORKSPACE_IN_SANDBOX));
        builder.directory(plan.workspace().toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        BoundedOutput stdout = new BoundedOutput(settings.maxOutputChars());
        BoundedOutput stderr = new BoundedOutput(settings.maxOutputChars());
        // platform threads: a virtual thread blocked on a process pipe would hold its carrier for the whole run
        Thread outReader = Thread.ofPlatform().daemon().name("sandbox-stdout").start(() -> stdout.drain(process.getInputStream()));
        Thread errReader = Thread.ofPlatform().daemon().name("sandbox-stderr").start(() -> stderr.drain(process.getErrorStream()));
        boolean finished;
        try {
            finished = process.waitFor(request.wallTime().toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                stopProgram(process, cgroup);
            }
        } catch (InterruptedException e) {
            kill(process, cgroup);
            Thread.currentThread().interrupt();
            throw new ToolInfrastructureException("the sandboxed run was interrupted (task cancelled)", false, e);
        }
        try {
            outReader.join(2000);
            errReader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.getInputStream().close();
        process.getErrorStream().close();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        int exit = finished ? process.exitValue() : -1;
        SandboxRun.Hits hits = cgroup == null ? SandboxRun.Hits.NONE : cgroup.finish();
        return new SandboxRun(exit, !finished, stdout.text(), stderr.text(), stdout.dropped() + stderr.dropped(),
                isolation, runLimits(), hits, elapsed);
    }

    /**
     * A run out of wall time: its program is killed, and with namespaces the launch script is left to copy a kept
     * workspace back (it kills what is left in its PID namespace first), for a while; then everything goes.
     */
    private void stopProgram(Process process, RunCgroup cgroup) throws InterruptedException {
        if (isolation == Isolation.LIMITS_ONLY) {
            kill(process, cgroup);
            return;
        }
        process.children().forEach(script -> script.descendants().forEach(ProcessHandle::destroyForcibly));
        if (cgroup != null) {
            cgroup.killAll();
        }
        if (!process.waitFor(COPY_BACK_TIME.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("the launch script of a timed-out sandbox run did not end within {}; killing it", COPY_BACK_TIME);
            kill(process, cgroup);
        }
    }

    static Map<String, String> environment(String home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", home);
        env.put("TMPDIR", "/tmp");
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("MPLBACKEND", "Agg");
        return env;
    }

    private static void kill(Process process, RunCgroup cgroup) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (cgroup != null) {
            cgroup.killAll();
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path createBase() {
        try {
            Files.createDirectories(settings.workRoot());
            return Files.createTempDirectory(settings.workRoot(), "casebook-sandbox-");
        } catch (IOException e) {
            throw new ToolInfrastructureException(
                    "cannot create a sandbox workspace under " + settings.workRoot() + ": " + e, true, e);
        }
    }

    /** The sandbox user (nobody) must write the workspace and read the attachments. */
    private static void openUp(Path workspace) throws IOException {
        Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (var files = Files.list(workspace)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            }
        }
        Files.setPosixFilePermissions(workspace.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    dir.toFile().setWritable(true, true);
                    dir.toFile().setExecutable(true, true);
                    dir.toFile().setReadable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete the sandbox workspace {}: {}", root, e.toString());
        }
    }

    /**
     * {@code prlimit} and its limits of each process; the process limit only when the run has no cgroup of its own
     * (RLIMIT_NPROC counts all processes of the sandbox user, those of every concurrent run).
     */
    static List<String> limits(SandboxSettings settings, long addressSpace, boolean limitProcesses) {
        long cpu = Math.max(1, settings.cpuTime().toSeconds());
        List<String> limits = new ArrayList<>(List.of("/usr/bin/prlimit",
                "--as=" + addressSpace,
                // SIGXCPU at the soft limit, SIGKILL a second later should the process ignore it
                "--cpu=" + cpu + ":" + (cpu + 1)));
        if (limitProcesses) {
            limits.add("--nproc=" + settings.maxProcesses());
        }
        limits.addAll(List.of("--fsize=" + settings.maxFileBytes(),
                "--nofile=256",
                "--core=0",
                "--",
                // the shell that enters the workspace sets these; OLDPWD would name a host path
                "/usr/bin/env", "-u", "OLDPWD", "-u", "PWD"));
        return limits;
    }

    static int nobody() {
        return NOBODY;
    }
}
