package dev.casebook.tools.tasks;

import dev.casebook.tools.code.ProcessSandbox;
import dev.casebook.tools.code.SandboxRun;
import dev.casebook.tools.code.Workspace;
import dev.casebook.tools.code.WorkspacePython;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a {@link SandboxTask}'s programs in the sandbox: the reference solution on a workspace ({@link #solve}), the
 * validator on a workspace and a final answer ({@link #validate}), and both together to decide whether the task is
 * kept ({@link #verify}). The programs are kept outside the workspace; they run under a harness that turns a failed
 * {@code assert} or a missing file into a "not solved" verdict, any other exception into a crash, and makes network
 * calls fail loudly (the sandbox has no network; the harness says that one was tried). Thread-safe.
 */
public final class TaskChecker {
    static final int CRASHED = 86;
    static final String NETWORK = "casebook: network access attempted";
    static final int MAX_OUTPUT_CHARS = 4_000;
    static final int MAX_ANSWER_CHARS = 100_000;

    static final String HARNESS = """
            import runpy
            import socket
            import sys
            import traceback

            def refuse(name):
                def call(*args, **kwargs):
                    print("%s (%%s); the sandbox has no network" %% name, file=sys.stderr, flush=True)
                    raise OSError(101, "Network is unreachable")
                return call

            for method in ("connect", "connect_ex", "sendto", "sendmsg"):
                setattr(socket.socket, method, refuse("socket." + method))
            socket.create_connection = refuse("socket.create_connection")
            socket.getaddrinfo = refuse("socket.getaddrinfo")

            mode, program = sys.argv[1], sys.argv[2]
            sys.argv = [program] + sys.argv[3:]

            def report(error):
                for frame in traceback.extract_tb(error.__traceback__):
                    if frame.filename == program:
                        print("line %%d: %%s" %% (frame.lineno, frame.line), file=sys.stderr)
                print("".join(traceback.format_exception_only(type(error), error)).rstrip(), file=sys.stderr)

            verdicts = (AssertionError, FileNotFoundError) if mode == "validate" else ()
            try:
                runpy.run_path(program, run_name="__main__")
            except SystemExit as end:
                if end.code is None or end.code == 0:
                    sys.exit(0)
                if not isinstance(end.code, int):
                    print(end.code, file=sys.stderr)
                sys.exit(1)
            except verdicts as error:
                report(error)
                sys.exit(1)
            except BaseException as error:
                report(error)
                sys.exit(%d)
            """.formatted(NETWORK, CRASHED);

    private final WorkspacePython python;
    private final Path workRoot;
    private final Duration validatorTime;
    private final Duration referenceTime;

    /**
     * @param validatorTime the wall time a validator may take
     * @param referenceTime the wall time a reference solution may take
     */
    public TaskChecker(WorkspacePython python, Duration validatorTime, Duration referenceTime) {
        this.python = Objects.requireNonNull(python, "python");
        this.workRoot = python.sandbox().settings().workRoot();
        this.validatorTime = Objects.requireNonNull(validatorTime, "validatorTime");
        this.referenceTime = Objects.requireNonNull(referenceTime, "referenceTime");
    }

    public ProcessSandbox sandbox() {
        return python.sandbox();
    }

    /** A fresh workspace holding the task's input files; the caller closes it. */
    public Workspace workspace(SandboxTask task) {
        return Workspace.create(workRoot, task.files());
    }

    /** What the reference solution did to a workspace. */
    public sealed interface Solved {
        /** It exited 0; {@code answer} is what it printed. */
        record Answered(String answer) implements Solved {
        }

        /** It did not finish well; {@code detail} says how, with its output. */
        record Failed(String detail) implements Solved {
        }
    }

    /** Runs the reference solution in {@code workspace}. */
    public Solved solve(SandboxTask task, Path workspace) {
        return run(task.reference(), workspace, "the reference solution");
    }

    private Solved run(String program, Path workspace, String who) {
        SandboxRun run = python.run(workspace, Map.of("harness.py", HARNESS, "solution.py", program),
                "harness.py", List.of("solve", ProcessSandbox.PROGRAM_DIR + "/solution.py"), referenceTime);
        if (run.timedOut()) {
            return new Solved.Failed(who + " ran out of its " + referenceTime.toSeconds()
                    + " s of wall time" + output(run));
        }
        if (run.stderr().contains(NETWORK)) {
            return new Solved.Failed(who + " tried the network" + output(run));
        }
        if (run.exitCode() != 0) {
            return new Solved.Failed((run.exitCode() == CRASHED ? who + " crashed"
                    : who + " exited with status " + run.exitCode()) + output(run));
        }
        return new Solved.Answered(cut(run.stdout().strip(), MAX_ANSWER_CHARS));
    }

    /** The validator's verdict on {@code workspace}, given the solver's final answer (empty for none). */
    public Verdict validate(SandboxTask task, Path workspace, String answer) {
        SandboxRun run = python.run(workspace, Map.of("harness.py", HARNESS, "validator.py", task.validator(),
                        "answer.txt", cut(Objects.requireNonNullElse(answer, ""), MAX_ANSWER_CHARS)), "harness.py",
                List.of("validate", ProcessSandbox.PROGRAM_DIR + "/validator.py",
                        ProcessSandbox.PROGRAM_DIR + "/answer.txt"), validatorTime);
        String output = cut(both(run), MAX_OUTPUT_CHARS);
        if (run.timedOut()) {
            return new Verdict.Broken(Verdict.Problem.TIMED_OUT, "killed after " + validatorTime.toSeconds()
                    + " s of wall time" + (output.isEmpty() ? "" : "\n" + output));
        }
        if (run.stderr().contains(NETWORK)) {
            return new Verdict.Broken(Verdict.Problem.NETWORK, output);
        }
        return switch (run.exitCode()) {
            case 0 -> new Verdict.Passed(output);
            case 1 -> new Verdict.Failed(output);
            case CRASHED -> new Verdict.Broken(Verdict.Problem.CRASHED, output);
            default -> new Verdict.Broken(Verdict.Problem.KILLED, "exit status " + run.exitCode()
                    + " (a CPU, memory or process limit)" + (output.isEmpty() ? "" : "\n" + output));
        };
    }

    /**
     * Keeps the task when its validator passes the reference solution's result and fails an untouched workspace;
     * otherwise says why not. The reference runs first; when it fails, the validator is not run.
     */
    public Verification verify(SandboxTask task) {
        return verify(task, null);
    }

    /**
     * As {@link #verify(SandboxTask)}, and then, when {@code nearMiss} is given (a plausible wrong solution written
     * with the task), the validator must also fail what the near-miss left in a fresh workspace with what it printed:
     * otherwise the task is discarded as {@code near_miss_passed}. A near-miss that exits non-zero is still validated
     * (with an empty answer): what it left must not pass either.
     */
    public Verification verify(SandboxTask task, String nearMiss) {
        String answer;
        Verdict onReference;
        try (Workspace solved = workspace(task)) {
            switch (solve(task, solved.path())) {
                case Solved.Failed failed -> {
                    return new Verification.Discarded("reference_failed", failed.detail());
                }
                case Solved.Answered answered -> answer = answered.answer();
            }
            onReference = validate(task, solved.path(), answer);
        }
        if (onReference instanceof Verdict.Broken broken) {
            return broken(broken, "on the reference solution's result");
        }
        if (onReference instanceof Verdict.Failed failed) {
            return new Verification.Discarded("reference_rejected", "the validator failed the reference solution's"
                    + " result" + lines(failed.output()));
        }
        Verdict onNothing;
        try (Workspace untouched = workspace(task)) {
            onNothing = validate(task, untouched.path(), "");
        }
        return switch (onNothing) {
            case Verdict.Broken broken -> broken(broken, "on the untouched workspace");
            case Verdict.Passed passed -> new Verification.Discarded("noop_passed", "the validator passed a workspace"
                    + " where nothing was done" + lines(passed.output()));
            case Verdict.Failed failed -> nearMiss == null || nearMiss.isBlank()
                    ? new Verification.Kept(answer, (Verdict.Passed) onReference, failed)
                    : checkNearMiss(task, nearMiss, new Verification.Kept(answer, (Verdict.Passed) onReference, failed));
        };
    }

    private Verification checkNearMiss(SandboxTask task, String nearMiss, Verification.Kept kept) {
        Verdict onNearMiss;
        String ran;
        try (Workspace tried = workspace(task)) {
            Solved solved = run(nearMiss, tried.path(), "the near-miss solution");
            ran = solved instanceof Solved.Failed failed ? "\n(" + firstLine(failed.detail()) + ")" : "";
            onNearMiss = validate(task, tried.path(), solved instanceof Solved.Answered a ? a.answer() : "");
        }
        return switch (onNearMiss) {
            case Verdict.Broken broken -> broken(broken, "on the near-miss solution's result");
            case Verdict.Passed passed -> new Verification.Discarded("near_miss_passed", "the validator passed the"
                    + " near-miss solution's result (a plausible wrong solution it must reject)" + lines(passed.output())
                    + ran);
            case Verdict.Failed failed -> kept;
        };
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("").strip();
    }

    private static Verification.Discarded broken(Verdict.Broken broken, String where) {
        String what = switch (broken.problem()) {
            case CRASHED -> "the validator crashed";
            case TIMED_OUT -> "the validator ran out of time";
            case KILLED -> "the validator was killed by a limit";
            case NETWORK -> "the validator tried the network";
        };
        return new Verification.Discarded("validator_" + broken.problem().wireName(), what + " " + where
                + lines(broken.output()));
    }

    private static String output(SandboxRun run) {
        return lines(cut(both(run), MAX_OUTPUT_CHARS));
    }

    private static String lines(String output) {
        return output.isBlank() ? "" : ":\n" + output;
    }

    private static String both(SandboxRun run) {
        String out = run.stdout().strip();
        String err = run.stderr().strip();
        return out.isEmpty() ? err : err.isEmpty() ? out : out + "\n" + err;
    }

    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "\n[cut: " + (text.length() - max)
                + " more characters]";
    }
}
