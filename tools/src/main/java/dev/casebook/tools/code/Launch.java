package dev.casebook.tools.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds the command line (and, with namespaces, the set-up script run as the namespaces' root) of one run.
 *
 * <p>With namespaces, {@code unshare} creates network, mount, PID, IPC and UTS namespaces; the script mounts a fresh
 * root (tmpfs) with {@code /usr}, {@code /etc} and the extra read-only directories bound read-only, a private
 * {@code /proc}, {@code /dev/null|zero|random|urandom}, a small {@code /tmp} and the workspace: a tmpfs of the run's
 * workspace size into which the workspace directory is copied. Then, in a subshell that first joins the run's cgroup
 * (when there is one), it {@code chroot}s into it, drops to user nobody (when root), applies {@code prlimit} and runs
 * the command. When the command ends the script kills what is left of the run; for a kept workspace it then copies
 * the workspace back. The script's shell is the PID namespace's init, so when it dies every process of the run dies
 * with it; and the IPC namespace, with any System V shared memory a run made, goes with the run.
 */
final class Launch {
    static final String HOSTNAME = "casebook-sandbox";
    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/etc");
    private static final List<String> TOP_LEVEL_LINKS = List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32");
    private static final long INODE_BYTES = 4096;

    private Launch() {
    }

    /**
     * One run to launch.
     *
     * @param workspace      the directory whose contents the run's workspace starts with
     * @param keepWorkspace  copy the workspace back into {@code workspace} when the run ends
     * @param workspaceBytes the size of the run's workspace
     * @param cgroupProcs    the files that put a process into the run's cgroup(s); empty for none
     */
    record Plan(Isolation isolation, Path base, Path workspace, boolean keepWorkspace, long workspaceBytes,
                ProcessSandbox.Request request, List<Path> cgroupProcs) {
        Plan {
            Objects.requireNonNull(isolation, "isolation");
            cgroupProcs = List.copyOf(cgroupProcs);
        }

        /** This run, its processes joining the cgroup(s) of {@code procs}. */
        Plan joining(List<Path> procs) {
            return new Plan(isolation, base, workspace, keepWorkspace, workspaceBytes, request, procs);
        }
    }

    static List<String> command(Plan plan, SandboxSettings settings) throws IOException {
        List<String> inner = new ArrayList<>();
        if (plan.isolation() == Isolation.NAMESPACES || plan.isolation() == Isolation.LIMITS_ONLY && isRoot()) {
            inner.addAll(dropToNobody());
        }
        inner.addAll(ProcessSandbox.limits(settings, plan.request().addressSpaceBytes(), plan.cgroupProcs().isEmpty()));
        inner.addAll(plan.request().command());
        if (plan.isolation() == Isolation.LIMITS_ONLY) {
            if (plan.cgroupProcs().isEmpty()) {
                return inner;
            }
            List<String> joined = new ArrayList<>(List.of("/bin/sh", "-c", join(plan.cgroupProcs()) + "exec \"$@\"",
                    "sandbox"));
            joined.addAll(inner);
            return joined;
        }
        Path script = plan.base().resolve("launch.sh");
        Files.writeString(script, script(plan, inner));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        List<String> unshare = new ArrayList<>(List.of("/usr/bin/unshare"));
        if (plan.isolation() == Isolation.USER_NAMESPACES) {
            unshare.addAll(List.of("--user", "--map-root-user"));
        }
        unshare.addAll(List.of("--net", "--mount", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "/bin/sh",
                script.toString()));
        return unshare;
    }

    private static List<String> dropToNobody() {
        String id = Integer.toString(ProcessSandbox.nobody());
        return List.of("/usr/bin/setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups", "--no-new-privs", "--");
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Shell text that moves the shell running it into the run's cgroup(s), or fails the run. */
    private static String join(List<Path> cgroupProcs) {
        return cgroupProcs.stream().map(file -> "echo 0 > " + quote(file.toString())).collect(Collectors.joining(
                " && ", "", " || { echo 'casebook-sandbox: cannot join the cgroup of the run' >&2; exit 125; }; "));
    }

    private static String script(Plan plan, List<String> inner) throws IOException {
        Path root = plan.base().resolve("root");
        Files.createDirectories(root);
        String workspace = quote(plan.workspace().toString());
        StringBuilder s = new StringBuilder("set -e\n");
        s.append("R=").append(quote(root.toString())).append('\n');
        s.append("mount --make-rprivate /\n");
        s.append("mount -t tmpfs -o mode=755,size=16m casebook-sandbox \"$R\"\n");
        // before the binds: a read-only directory under /tmp (a program kept outside the workspace) stays visible
        s.append("mkdir -p \"$R/tmp\" && mount -t tmpfs -o mode=1777,size=64m,nr_inodes=16384,nosuid,nodev")
                .append(" casebook-tmp \"$R/tmp\"\n");
        binds(s, plan.request().readOnly());
        s.append("mkdir -p \"$R/workspace\" && mount -t tmpfs -o mode=777,nosuid,nodev,size=")
                .append(plan.workspaceBytes())
                .append(",nr_inodes=").append(Math.max(1024, plan.workspaceBytes() / INODE_BYTES))
                .append(" casebook-workspace \"$R/workspace\"\n");
        s.append("if ! cp -a ").append(workspace).append("/. \"$R/workspace/\"; then echo 'casebook-sandbox: the "
                        + "workspace does not fit in its ").append(plan.workspaceBytes() >> 20)
                .append(" MiB (casebook.tools.code.workspace-size)' >&2; exit 125; fi\n");
        s.append("mkdir -p \"$R/proc\" && mount -t proc proc \"$R/proc\"\n");
        s.append("mkdir -p \"$R/dev\"\n");
        for (String device : List.of("null", "zero", "random", "urandom")) {
            s.append("touch \"$R/dev/").append(device).append("\" && mount --bind /dev/").append(device)
                    .append(" \"$R/dev/").append(device).append("\"\n");
        }
        s.append("hostname ").append(HOSTNAME).append('\n');
        s.append("mount -o remount,ro \"$R\"\n");
        s.append("set +e\n");
        s.append("cd \"$R\"\n");
        // the script's own stderr (the shell reports a killed command) goes nowhere, the command's to the run's
        s.append("exec 3>&2 2>/dev/null\n");
        s.append("(exec 2>&3 3>&-; ").append(plan.cgroupProcs().isEmpty() ? "" : join(plan.cgroupProcs()))
                .append("exec chroot \"$R\" /bin/sh -c 'cd ").append(ProcessSandbox.WORKSPACE_IN_SANDBOX)
                .append(" && exec \"$@\"' sandbox ")
                .append(inner.stream().map(Launch::quote).collect(Collectors.joining(" "))).append(")\n");
        s.append("status=$?\n");
        // what the command left running (it is this PID namespace's init that asks)
        s.append("kill -9 -1 2>/dev/null\n");
        if (plan.keepWorkspace()) {
            // as it was, but no set-user-ID or set-group-ID file reaches the host
            s.append("if ! { find ").append(workspace).append(" -mindepth 1 -delete && cp -a \"$R/workspace/.\" ")
                    .append(workspace).append("/ && find ").append(workspace).append(" -perm /6000 -exec chmod ug-s {} +;")
                    .append(" } 2>&3; then echo 'casebook-sandbox: cannot copy the workspace back' >&3; status=125; fi\n");
        }
        s.append("exit $status\n");
        return s.toString();
    }

    private static void binds(StringBuilder s, List<Path> readOnly) throws IOException {
        Set<String> binds = new LinkedHashSet<>(SYSTEM_DIRS);
        for (Path extra : readOnly) {
            String path = extra.toAbsolutePath().normalize().toString();
            if (SYSTEM_DIRS.stream().noneMatch(dir -> path.equals(dir) || path.startsWith(dir + "/"))) {
                binds.add(path);
            }
        }
        for (String dir : binds) {
            bindReadOnly(s, dir);
        }
        for (String top : TOP_LEVEL_LINKS) {
            Path path = Path.of(top);
            if (Files.isSymbolicLink(path)) {
                s.append("ln -s ").append(quote(Files.readSymbolicLink(path).toString())).append(" \"$R\"")
                        .append(quote(top)).append('\n');
            } else if (Files.isDirectory(path)) {
                bindReadOnly(s, top);
            }
        }
    }

    private static void bindReadOnly(StringBuilder s, String dir) {
        String target = "\"$R\"" + quote(dir);
        s.append("mkdir -p ").append(target).append(" && mount --rbind ").append(quote(dir)).append(' ')
                .append(target).append(" && mount -o remount,bind,ro ").append(target).append('\n');
    }

    static String quote(String text) {
        return "'" + text.replace("'", "'\"'\"'") + "'";
    }
}
