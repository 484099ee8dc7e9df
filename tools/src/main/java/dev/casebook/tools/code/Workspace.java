package dev.casebook.tools.code;

import dev.casebook.tools.ToolInfrastructureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A directory that several sandboxed runs share: a task's input files, what the agent's code writes there, and what
 * a validator then inspects ({@link ProcessSandbox#runIn}). Created under the sandbox's work root with its files and
 * directories writable by the sandbox user; {@link #close} deletes it with everything the runs left.
 */
public final class Workspace implements AutoCloseable {
    private final Path path;

    private Workspace(Path path) {
        this.path = path;
    }

    /**
     * A fresh workspace under {@code root} holding {@code files} (relative path to text content; parent directories
     * are created).
     *
     * @throws IllegalArgumentException     when a path is absolute or leaves the workspace
     * @throws ToolInfrastructureException when the directory cannot be created or written (retryable)
     */
    public static Workspace create(Path root, Map<String, String> files) {
        Path path;
        try {
            Files.createDirectories(root);
            path = Files.createTempDirectory(root, "casebook-workspace-");
        } catch (IOException e) {
            throw new ToolInfrastructureException("cannot create a workspace under " + root + ": " + e, true, e);
        }
        Workspace workspace = new Workspace(path);
        try {
            open(path);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = workspace.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                ProcessSandbox.writeText(target, file.getValue());
            }
            try (var all = Files.walk(path)) {
                for (Path entry : all.toList()) {
                    open(entry);
                }
            }
            return workspace;
        } catch (IOException e) {
            workspace.close();
            throw new ToolInfrastructureException("cannot write the files of the workspace " + path + ": " + e, true,
                    e);
        } catch (RuntimeException e) {
            workspace.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /**
     * The file at {@code relative} inside this workspace.
     *
     * @throws IllegalArgumentException when the path is absolute or leaves the workspace
     */
    public Path resolve(String relative) {
        Path target = path.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !target.startsWith(path) || target.equals(path)) {
            throw new IllegalArgumentException("'" + relative + "' is not a path inside the workspace");
        }
        return target;
    }

    /** Deletes the workspace and everything in it; a failure is logged, not thrown. */
    @Override
    public void close() {
        ProcessSandbox.deleteRecursively(path);
    }

    private static void open(Path entry) throws IOException {
        Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString(
                Files.isDirectory(entry) ? "rwxrwxrwx" : "rw-rw-rw-"));
    }
}
