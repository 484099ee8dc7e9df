package dev.casebook.tools.code;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs Python programs that are not part of a workspace on it, in the sandbox (a generated task's validator and
 * reference solution): the program's files stay outside the workspace ({@link ProcessSandbox#runIn}), so what the
 * program sees there is only what the task and its solver put there. Python runs isolated ({@code -I -B}).
 */
public final class WorkspacePython {
    private final ProcessSandbox sandbox;
    private final Runtimes.Interpreter python;

    private WorkspacePython(ProcessSandbox sandbox, Runtimes.Interpreter python) {
        this.sandbox = sandbox;
        this.python = python;
    }

    /** Programs run in {@code sandbox} by the system's Python 3; empty when there is none. */
    public static Optional<WorkspacePython> of(ProcessSandbox sandbox) {
        Objects.requireNonNull(sandbox, "sandbox");
        return Runtimes.detect().python().map(python -> new WorkspacePython(sandbox, python));
    }

    public ProcessSandbox sandbox() {
        return sandbox;
    }

    /** E.g. {@code Python 3.11.2}. */
    public String version() {
        return python.version();
    }

    /**
     * Runs {@code main} of {@code program} (file name to source) with {@code args} in {@code workspace}, under the
     * sandbox's limits and at most {@code wallTime}. {@value ProcessSandbox#PROGRAM_DIR} in an argument names the
     * program's directory (e.g. a data file given with the program).
     */
    public SandboxRun run(Path workspace, Map<String, String> program, String main, List<String> args,
                          Duration wallTime) {
        if (!program.containsKey(main)) {
            throw new IllegalArgumentException("the program has no file '" + main + "'");
        }
        List<String> command = new ArrayList<>(List.of(python.executable().toString(), "-I", "-B",
                ProcessSandbox.PROGRAM_DIR + "/" + main));
        command.addAll(args);
        return sandbox.runIn(new ProcessSandbox.WorkspaceRequest(workspace, program, command, List.of(python.home()),
                sandbox.settings().memoryBytes(), sandbox.settings().memoryBytes(), wallTime));
    }
}
