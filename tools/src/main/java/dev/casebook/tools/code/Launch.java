package dev.casebook.tools.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the command line (and, with namespaces, the set-up script run as the namespaces' root) of one run.
 *
 * <p>With namespaces, {@code unshare} creates network, mount and PID namespaces; the script mounts a fresh root
 * (tmpfs) with {@code /usr}, {@code /etc} and the extra read-only directories bound read-only, the workspace
 * read-write, a private {@code /proc}, {@code /dev/null|zero|random|urandom} and a small {@code /tmp}; then
 * {@code chroot}s into it, drops to user nobody (when root), applies {@code prlimit} and runs the command. The
 * script's shell stays the PID namespace's init, so when it dies every process of the run dies with it.
 */
final class Launch {
    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/etc");
    private static final List<String> TOP_LEVEL_LINKS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");

    private Launch() {
    }

    static List<String> command(Isolation isolation, Path base, Path workspace, ProcessSandbox.Request request,
                                SandboxSettings settings) throws IOException {
        List<String> inner = new ArrayList<>();
        if (isolation == Isolation.NAMESPACES || isolation == Isolation.LIMITS_ONLY && isRoot()) {
            inner.addAll(dropToNobody());
        }
        inner.addAll(ProcessSandbox.limits(settings, request.addressSpaceBytes()));
        inner.addAll(request.command());
        if (isolation == Isolation.LIMITS_ONLY) {
            return inner;
        }
        Path script = base.resolve("launch.sh");
        Files.writeString(script, script(base.resolve("root"), workspace, request.readOnly(), inner));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        List<String> unshare = new ArrayList<>(List.of("/usr/bin/unshare"));
        if (isolation == Isolation.USER_NAMESPACES) {
            unshare.addAll(List.of("--user", "--map-root-user"));
        }
        unshare.addAll(List.of("--net", "--mount", "--pid", "--fork", "--kill-child", "/bin/sh", script.toString()));
        return unshare;
    }

    private static List<String> dropToNobody() {
        String id = Integer.toString(ProcessSandbox.nobody());
        return List.of("/usr/bin/setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--no-new-privs", "--");
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String script(Path root, Path workspace, List<Path> readOnly, List<String> inner) throws IOException {
        Files.createDirectories(root);
        StringBuilder s = new StringBuilder("set -e\n");
        s.append("R=").append(quote(root.toString())).append('\n');
        s.append("mount --make-rprivate /\n");
        s.append("mount -t tmpfs -o mode=755,size=16m casebook-sandbox \"$R\"\n");
        // before the binds: a read-only directory under /tmp (a program kept outside the workspace) stays visible
        s.append("mkdir -p \"$R/tmp\" && mount -t tmpfs -o mode=1777,size=64m casebook-tmp \"$R/tmp\"\n");
        Set<String> binds = new LinkedHashSet<>(SYSTEM_DIRS);
        for (Path extra : readOnly) {
            String path = extra.toAbsolutePath().normalize().toString();
            if (SYSTEM_DIRS.stream().noneMatch(dir -> path.equals(dir) || path.startsWith(dir + "/"))) {
                binds.add(path);
            }
        }
        for (String dir : binds) {
            String target = "\"$R\"" + quote(dir);
            s.append("mkdir -p ").append(target).append(" && mount --rbind ").append(quote(dir)).append(' ')
                    .append(target).append(" && mount -o remount,bind,ro ").append(target).append('\n');
        }
        for (String top : TOP_LEVEL_LINKS) {
            Path path = Path.of(top);
            if (Files.isSymbolicLink(path)) {
                s.append("ln -s ").append(quote(Files.readSymbolicLink(path).toString())).append(" \"$R\"")
                        .append(quote(top)).append('\n');
            } else if (Files.isDirectory(path)) {
                String target = "\"$R\"" + quote(top);
                s.append("mkdir -p ").append(target).append(" && mount --rbind ").append(quote(top)).append(' ')
                        .append(target).append(" && mount -o remount,bind,ro ").append(target).append('\n');
            }
        }
        s.append("mkdir -p \"$R/workspace\" && mount --bind ").append(quote(workspace.toString()))
                .append(" \"$R/workspace\"\n");
        s.append("mkdir -p \"$R/proc\" && mount -t proc proc \"$R/proc\"\n");
        s.append("mkdir -p \"$R/dev\"\n");
        for (String device : List.of("null", "zero", "random", "urandom")) {
            s.append("touch \"$R/dev/").append(device).append("\" && mount --bind /dev/").append(device)
                    .append(" \"$R/dev/").append(device).append("\"\n");
        }
        s.append("mount -o remount,ro \"$R\"\n");
        s.append("set +e\n");
        s.append("cd \"$R\"\n");
        s.append("chroot \"$R\" /bin/sh -c 'cd ").append(ProcessSandbox.WORKSPACE_IN_SANDBOX)
                .append(" && exec \"$@\"' sandbox ")
                .append(inner.stream().map(Launch::quote).collect(Collectors.joining(" "))).append('\n');
        s.append("exit $?\n");
        return s.toString();
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\"'\"'") + "'";
    }
}
