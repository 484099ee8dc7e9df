package dev.casebook.tools.code;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the strongest {@link Isolation} that works on this system by running a trivial command under each, once. */
final class IsolationProbe {
    private static final Logger LOG = LoggerFactory.getLogger(IsolationProbe.class);
    private static volatile Isolation best;

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

    private static Isolation probe() {
        List<Isolation> candidates = Launch.isRoot()
                ? List.of(Isolation.NAMESPACES, Isolation.USER_NAMESPACES)
                : List.of(Isolation.USER_NAMESPACES);
        SandboxSettings settings = SandboxSettings.defaults();
        for (Isolation candidate : candidates) {
            try {
                SandboxRun run = new ProcessSandbox(settings, candidate).run(new ProcessSandbox.Request(
                        Map.of(), List.of(), List.of("/bin/sh", "-c", "test -w . && echo ok"), List.of(),
                        settings.memoryBytes(), Duration.ofSeconds(20)));
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
}
