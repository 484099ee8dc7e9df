package dev.casebook.tools.code;

import dev.casebook.tools.ToolInfrastructureException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command in a fresh temporary workspace under operating-system limits, and deletes the workspace afterwards.
 *
 * <p>The child gets a minimal environment (none of the server's variables), wall-time, CPU, address-space, process,
 * file-size and output limits, and the strongest {@link Isolation} this system supports, detected once by trying
 * them. Attachments are copied into the workspace under their file names.
 */
public final class ProcessSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSandbox.class);
    static final String WORKSPACE_IN_SANDBOX = "/workspace";
    private static final int NOBODY = 65534;

    private final SandboxSettings settings;
    private final Isolation isolation;

    public ProcessSandbox(SandboxSettings settings) {
        this(settings, IsolationProbe.best());
    }

    ProcessSandbox(SandboxSettings settings, Isolation isolation) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.isolation = Objects.requireNonNull(isolation, "isolation");
    }

    public Isolation isolation() {
        return isolation;
    }

    public SandboxSettings settings() {
        return settings;
    }

    /**
     * A run: files to write into the workspace, attachments to copy there, the command (run in the workspace),
     * extra directories to make visible read-only (an interpreter outside {@code /usr}), and the address-space limit.
     */
    public record Request(Map<String, String> files, List<Path> attachments, List<String> command,
                          List<Path> readOnly, long addressSpaceBytes, Duration wallTime) {
        public Request {
            files = Map.copyOf(files);
            attachments = List.copyOf(attachments);
            command = List.copyOf(command);
            readOnly = List.copyOf(readOnly);
            Objects.requireNonNull(wallTime, "wallTime");
        }
    }

    /**
     * A run on an existing workspace, which is kept (a task's workspace across several runs, checked afterwards).
     * The program's files are written to a directory of their own outside the workspace, visible read-only to the
     * run; every occurrence of {@value #PROGRAM_DIR} in the command is replaced by that directory. The workspace must
     * be writable by the sandbox user (world-writable when the server runs as root).
     */
    public record WorkspaceRequest(Path workspace, Map<String, String> program, List<String> command,
                                   List<Path> readOnly, long addressSpaceBytes, Duration wallTime) {
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
            for (Map.Entry<String, String> file : request.files().entrySet()) {
                Files.writeString(workspace.resolve(file.getKey()), file.getValue());
            }
            for (Path attachment : request.attachments()) {
                Files.copy(attachment, workspace.resolve(attachment.getFileName().toString()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            openUp(workspace);
            return execute(base, workspace, request);
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
        Path base = createBase();
        try {
            Path program = base.resolve("program");
            Files.createDirectory(program);
            for (Map.Entry<String, String> file : request.program().entrySet()) {
                Path target = program.resolve(file.getKey());
                Files.writeString(target, file.getValue());
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
            List<String> command = request.command().stream()
                    .map(part -> part.replace(PROGRAM_DIR, program.toString())).toList();
            List<Path> readOnly = new ArrayList<>(request.readOnly());
            readOnly.add(program);
            return execute(base, request.workspace().toAbsolutePath(), new Request(Map.of(), List.of(), command,
                    readOnly, request.addressSpaceBytes(), request.wallTime()));
        } catch (IOException e) {
            throw new ToolInfrastructureException("cannot prepare the sandboxed program in " + base + ": " + e, true, e);
        } finally {
            deleteRecursively(base);
        }
    }

    private SandboxRun execute(Path base, Path workspace, Request request) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Launch.command(isolation, base, workspace, request, settings));
        builder.environment().clear();
        builder.environment().putAll(environment(isolation == Isolation.LIMITS_ONLY ? workspace.toString() : WORKSPACE_IN_SANDBOX));
        builder.directory(workspace.toFile());
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
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ToolInfrastructureException("the sandboxed run was interrupted (task cancelled)", false, e);
        }
        if (!finished) {
            kill(process);
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
        return new SandboxRun(exit, !finished, stdout.text(), stderr.text(), stdout.dropped() + stderr.dropped(),
                isolation, elapsed);
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

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
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

    static List<String> limits(SandboxSettings settings, long addressSpace) {
        long cpu = Math.max(1, settings.cpuTime().toSeconds());
        List<String> limits = new ArrayList<>(List.of("/usr/bin/prlimit",
                "--as=" + addressSpace,
                // SIGXCPU at the soft limit, SIGKILL a second later should the process ignore it
                "--cpu=" + cpu + ":" + (cpu + 1),
                "--nproc=" + settings.maxProcesses(),
                "--fsize=" + settings.maxFileBytes(),
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
