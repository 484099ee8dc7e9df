package dev.casebook.server.sandboxtasks;

import dev.casebook.tools.Tool;
import dev.casebook.tools.code.CodeExecutionTool;
import dev.casebook.tools.code.ProcessSandbox;
import dev.casebook.tools.code.SandboxSettings;
import dev.casebook.tools.code.WorkspacePython;
import dev.casebook.tools.tasks.TaskChecker;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What sandbox task jobs run on: the checker of generated tasks (validators and reference solutions in the process
 * sandbox, with the limits of {@code casebook.tools.code.*}) and the agent's code tool, which each rollout binds to
 * its task's workspace. Jobs need both: {@link #unavailable()} says why they cannot run when one is missing. Both
 * are looked up on first use, so a server that never runs a job never probes the sandbox or looks for a Python.
 */
final class TaskSandbox {
    private final Supplier<Found> found;

    private record Found(TaskChecker checker, CodeExecutionTool code, String unavailable) {
    }

    /** @param tools the server's tools; the code tool among them is the one rollouts use */
    TaskSandbox(SandboxSettings limits, Supplier<? extends Iterable<? extends Tool>> tools,
                SandboxTaskSettings settings) {
        this.found = memoize(() -> find(new ProcessSandbox(limits), tools.get(), settings));
    }

    private static Found find(ProcessSandbox sandbox, Iterable<? extends Tool> tools, SandboxTaskSettings settings) {
        CodeExecutionTool code = null;
        for (Tool tool : tools) {
            if (tool instanceof CodeExecutionTool found) {
                code = found;
                break;
            }
        }
        if (code == null) {
            return new Found(null, null, "the code tool is disabled (casebook.tools.code.enabled=false), and sandbox"
                    + " task rollouts need it");
        }
        Optional<WorkspacePython> python = WorkspacePython.of(sandbox);
        if (python.isEmpty()) {
            return new Found(null, code, "no python3 was found on this server, and validators are Python programs");
        }
        return new Found(new TaskChecker(python.get(), settings.validatorTime(), settings.referenceTime()), code, null);
    }

    /** Why jobs cannot run here; empty when they can. */
    Optional<String> unavailable() {
        return Optional.ofNullable(found.get().unavailable());
    }

    TaskChecker checker() {
        Found f = found.get();
        return Optional.ofNullable(f.checker()).orElseThrow(() -> new IllegalStateException(f.unavailable()));
    }

    CodeExecutionTool code() {
        Found f = found.get();
        return Optional.ofNullable(f.code()).orElseThrow(() -> new IllegalStateException(f.unavailable()));
    }

    /** The sandbox's isolation ({@code NAMESPACES}, ...); null when jobs cannot run. */
    String isolation() {
        TaskChecker checker = found.get().checker();
        return checker == null ? null : checker.sandbox().isolation().name();
    }

    /** How the sandbox limits a run's memory and processes ({@code CGROUP_V1}, ...); null when jobs cannot run. */
    String runLimits() {
        TaskChecker checker = found.get().checker();
        return checker == null ? null : checker.sandbox().runLimits().name();
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        if (value == null) {
                            value = supplier.get();
                        }
                        v = value;
                    }
                }
                return v;
            }
        };
    }
}
