package dev.casebook.tools.code;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds where this server could make its runs' cgroups, from its mount table ({@code /proc/self/mountinfo}) and its
 * own cgroup ({@code /proc/self/cgroup}): under its own cgroup in a cgroup v2 hierarchy whose {@code memory} and
 * {@code pids} controllers it may hand down, or in the v1 {@code memory} and {@code pids} hierarchies, or under a
 * configured cgroup v2 directory. Whether a candidate really works is then tried by {@link IsolationProbe}.
 */
final class CgroupLocator {
    private static final Set<String> CONTROLLERS = Set.of("memory", "pids");

    /** What may work, best first, and why the rest does not. */
    record Candidates(List<CgroupTree> trees, List<String> refusals) {
        Candidates {
            trees = List.copyOf(trees);
            refusals = List.copyOf(refusals);
        }
    }

    private CgroupLocator() {
    }

    /** The candidates of this process; {@code configured} (a cgroup v2 directory) replaces the search. */
    static Candidates find(Path configured) {
        try {
            return candidates(Files.readString(Path.of("/proc/self/mountinfo")),
                    Files.readString(Path.of("/proc/self/cgroup")), configured);
        } catch (IOException e) {
            return new Candidates(List.of(), List.of("cannot read this process's mounts and cgroup: " + e));
        }
    }

    static Candidates candidates(String mountinfo, String selfCgroup, Path configured) {
        List<CgroupTree> trees = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        if (configured != null) {
            v2(configured, refusals).ifPresent(trees::add);
            return new Candidates(trees, refusals);
        }
        List<Mount> mounts = mountinfo.lines().map(Mount::parse).flatMap(Optional::stream).toList();
        Optional<Path> unified = place(mounts, selfCgroup, "cgroup2", null, refusals);
        unified.flatMap(parent -> v2(parent, refusals)).ifPresent(trees::add);
        Optional<Path> memory = place(mounts, selfCgroup, "cgroup", "memory", refusals);
        Optional<Path> pids = place(mounts, selfCgroup, "cgroup", "pids", refusals);
        if (memory.isPresent() && pids.isPresent()) {
            trees.add(new CgroupTree.V1(memory.get(), pids.get()));
        } else if (memory.isPresent() || pids.isPresent()) {
            refusals.add("cgroup v1: runs need both the memory and the pids hierarchy, and only "
                    + (memory.isPresent() ? "memory" : "pids") + " is usable here");
        }
        if (mounts.stream().noneMatch(mount -> mount.type().equals("cgroup2") || mount.type().equals("cgroup"))) {
            refusals.add("no cgroup file system is mounted");
        }
        return new Candidates(trees, refusals);
    }

    /** The directory of this process's cgroup in the hierarchy of {@code controller} (null: cgroup v2). */
    private static Optional<Path> place(List<Mount> mounts, String selfCgroup, String type, String controller,
                                        List<String> refusals) {
        Optional<String> own = selfCgroup.lines().map(line -> line.split(":", 3)).filter(f -> f.length == 3)
                .filter(f -> controller == null ? f[0].equals("0") && f[1].isEmpty()
                        : Arrays.asList(f[1].split(",")).contains(controller))
                .map(f -> f[2]).findFirst();
        String what = controller == null ? "cgroup v2" : "the cgroup v1 " + controller + " hierarchy";
        if (own.isEmpty()) {
            return Optional.empty();
        }
        boolean mounted = false;
        for (Mount mount : mounts) {
            if (mount.type().equals(type) && (controller == null || mount.options().contains(controller))) {
                mounted = true;
                Optional<String> relative = mount.relative(own.get());
                if (relative.isPresent()) {
                    return Optional.of(mount.point().resolve(relative.get()));
                }
            }
        }
        if (mounted) {
            refusals.add(what + ": this process's cgroup " + own.get() + " is outside the mounted part of it");
        }
        return Optional.empty();
    }

    /** {@code parent} when its children can get the memory and pids controllers, enabling them there if needed. */
    private static Optional<CgroupTree> v2(Path parent, List<String> refusals) {
        Path controllers = parent.resolve("cgroup.controllers");
        if (!Files.isRegularFile(controllers)) {
            refusals.add("cgroup v2: " + parent + " is not a cgroup v2 directory");
            return Optional.empty();
        }
        try {
            List<String> available = words(controllers);
            if (!available.containsAll(CONTROLLERS)) {
                refusals.add("cgroup v2 at " + parent + ": the memory and pids controllers are not available there"
                        + " (cgroup.controllers: " + String.join(" ", available) + ")");
                return Optional.empty();
            }
            Path subtree = parent.resolve("cgroup.subtree_control");
            if (!words(subtree).containsAll(CONTROLLERS)) {
                Files.writeString(subtree, "+memory +pids");
            }
            return Optional.of(new CgroupTree.V2(parent));
        } catch (IOException e) {
            refusals.add("cgroup v2 at " + parent + ": cannot hand the memory and pids controllers down to the "
                    + "runs' cgroups (" + e.getMessage() + "; a cgroup holding processes cannot, unless it is the"
                    + " root: set casebook.tools.code.cgroup-parent to a delegated cgroup)");
            return Optional.empty();
        }
    }

    private static List<String> words(Path file) throws IOException {
        String text = Files.readString(file).strip();
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }

    /** A line of {@code /proc/self/mountinfo}: the mount's root within its file system, where, type, options. */
    record Mount(String root, Path point, String type, List<String> options) {
        static Optional<Mount> parse(String line) {
            String[] fields = line.split(" ");
            int separator = Arrays.asList(fields).indexOf("-");
            if (separator < 6 || fields.length < separator + 4) {
                return Optional.empty();
            }
            return Optional.of(new Mount(unescape(fields[3]), Path.of(unescape(fields[4])), fields[separator + 1],
                    List.of(fields[separator + 3].split(","))));
        }

        /** {@code cgroup} relative to this mount's root, when it is below it. */
        Optional<String> relative(String cgroup) {
            String path = cgroup.endsWith(" (deleted)") ? cgroup.substring(0, cgroup.length() - 10) : cgroup;
            if (root.equals("/")) {
                return Optional.of(path.substring(1));
            }
            if (path.equals(root)) {
                return Optional.of("");
            }
            return path.startsWith(root + "/") ? Optional.of(path.substring(root.length() + 1)) : Optional.empty();
        }

        private static String unescape(String field) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < field.length(); i++) {
                char c = field.charAt(i);
                if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                    out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
