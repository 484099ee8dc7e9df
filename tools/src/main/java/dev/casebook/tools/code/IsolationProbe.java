package dev.casebook.tools.code;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the strongest {@link Isolation} that works on this system by running a trivial command under each, once; and
 * whether runs can get a cgroup of their own ({@link RunLimits}), by running one in each candidate's cgroup.
 */
final class IsolationProbe {
    private static final Logger LOG = LoggerFactory.getLogger(IsolationProbe.class);
    private static final Duration PROBE_TIME = Duration.ofSeconds(20);
    private static volatile Isolation best;
    /** Per configured cgroup parent (empty: the server's own cgroup). */
    private static final Map<Optional<Path>, Optional<CgroupTree>> CGROUPS = new ConcurrentHashMap<>();

    private IsolationProbe() {
    }

    static Isolation best() {
        Isolation found = best;
        if (found == null) {
            synchronized (IsolationProbe.class) {
                if (best == null) {
                    best = probe();
                    LOG.info("code sandbox isolation: {} ({})", best, best.description());
                }
                found = best;
            }
        }
        return found;
    }

    /** Where the runs' cgroups go with {@code settings} under {@link #best()}; empty when no cgroup works here. */
    static Optional<CgroupTree> cgroups(SandboxSettings settings) {
        return CGROUPS.computeIfAbsent(Optional.ofNullable(settings.cgroupParent()), parent -> {
            Optional<CgroupTree> found = probeCgroups(parent.orElse(null), best());
            LOG.info("code sandbox run limits: {}", found.map(tree -> tree.kind() + " (" + tree.kind().description()
                    + ") under " + tree.parents()).orElse(RunLimits.PER_PROCESS + " (" + RunLimits.PER_PROCESS
                    .description() + ")"));
            return found;
        });
    }

    private static Isolation probe() {
        List<Isolation> candidates = Launch.isRoot()
                ? List.of(Isolation.NAMESPACES, Isolation.USER_NAMESPACES)
                : List.of(Isolation.USER_NAMESPACES);
        SandboxSettings settings = SandboxSettings.defaults();
        for (Isolation candidate : candidates) {
            try {
                SandboxRun run = new ProcessSandbox(settings, candidate).run(request(settings, "test -w . && echo ok"));
                if (run.succeeded() && run.stdout().strip().equals("ok")) {
                    return candidate;
                }
                LOG.info("sandbox isolation {} does not work here: exit {}, {}", candidate, run.exitCode(),
                        run.stderr().strip());
            } catch (RuntimeException e) {
                LOG.info("sandbox isolation {} does not work here: {}", candidate, e.toString());
            }
        }
        return Isolation.LIMITS_ONLY;
    }

    /** The first candidate in which a run really finds itself in its own cgroup(s). */
    private static Optional<CgroupTree> probeCgroups(Path configured, Isolation isolation) {
        CgroupLocator.Candidates candidates = CgroupLocator.find(configured);
        candidates.refusals().forEach(refusal -> LOG.info("sandbox run cgroups: {}", refusal));
        SandboxSettings settings = SandboxSettings.defaults();
        for (CgroupTree tree : candidates.trees()) {
            CgroupTree.removeAbandoned(tree.parents());
            try {
                SandboxRun run = new ProcessSandbox(settings, isolation, tree).run(request(settings,
                        "cat /proc/self/cgroup"));
                long joined = run.stdout().lines().filter(line -> line.contains("/" + CgroupTree.PREFIX)).count();
                if (run.succeeded() && joined >= (tree instanceof CgroupTree.V1 ? 2 : 1)) {
                    return Optional.of(tree);
                }
                LOG.info("sandbox run cgroups {} under {} do not work here: exit {}, {} {}", tree.kind(),
                        tree.parents(), run.exitCode(), run.stdout().strip(), run.stderr().strip());
            } catch (RuntimeException e) {
                LOG.info("sandbox run cgroups {} under {} do not work here: {}", tree.kind(), tree.parents(),
                        e.toString());
            }
        }
        return Optional.empty();
    }

    private static ProcessSandbox.Request request(SandboxSettings settings, String script) {
        return new ProcessSandbox.Request(Map.of(), List.of(), List.of("/bin/sh", "-c", script), List.of(),
                settings.memoryBytes(), settings.memoryBytes(), PROBE_TIME);
    }
}
