package dev.casebook.tools.code;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolArguments;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs Python (when a {@code python3} is present) or Java code in the {@link ProcessSandbox}. Java code with a
 * {@code main} method runs as a single source file; anything else (statements, expressions) runs in JShell. The
 * result says which isolation and limits applied, the exit status, and the (possibly cut) output.
 *
 * <p>Each call runs in a fresh workspace holding a copy of the task's attachments, unless the tool is bound to a
 * {@link #inWorkspace workspace}: then every call runs in that directory (files written there stay for the next call
 * and for whoever checks the workspace afterwards), the program itself is kept outside it, and attachments are not
 * copied (the workspace holds the task's files).
 */
public final class CodeExecutionTool implements Tool {
    public static final String NAME = "execute_code";
    private static final Pattern MAIN = Pattern.compile("static\\s+(public\\s+)?void\\s+main\\s*\\(");

    private final ProcessSandbox sandbox;
    private final Runtimes runtimes;
    private final ToolSpecification specification;
    /** The directory every call runs in; null for a fresh workspace per call. */
    private final Path workspace;

    public CodeExecutionTool(ProcessSandbox sandbox) {
        this(sandbox, Runtimes.detect());
    }

    CodeExecutionTool(ProcessSandbox sandbox, Runtimes runtimes) {
        this(sandbox, runtimes, null);
    }

    private CodeExecutionTool(ProcessSandbox sandbox, Runtimes runtimes, Path workspace) {
        this.sandbox = sandbox;
        this.runtimes = runtimes;
        this.workspace = workspace;
        String directory = workspace == null ? "The working directory holds the task's attached files. "
                : "The working directory is the task's workspace: it holds the task's files, and files written there "
                        + "are kept for later calls. ";
        this.specification = ToolSpecification.builder()
                .name(NAME)
                .description("Runs a program in an isolated sandbox and returns its output. Languages: "
                        + String.join(", ", languages()) + ". " + directory
                        + "Print what you need to see. Limits: " + limits() + ".")
                .parameters(JsonObjectSchema.builder()
                        .addEnumProperty("language", languages())
                        .addStringProperty("code", "the program; Java may be a class with main or JShell statements")
                        .required("language", "code")
                        .build())
                .build();
    }

    public List<String> languages() {
        List<String> languages = new ArrayList<>();
        runtimes.python().ifPresent(p -> languages.add("python"));
        if (runtimes.java().isPresent()) {
            languages.add("java");
        }
        return languages;
    }

    public Isolation isolation() {
        return sandbox.isolation();
    }

    public RunLimits runLimits() {
        return sandbox.runLimits();
    }

    /**
     * This tool with the same sandbox and languages, every call running in {@code workspace} (a directory the sandbox
     * user may write, such as a {@link Workspace}'s), which the calls leave as they change it.
     */
    public CodeExecutionTool inWorkspace(Path workspace) {
        return new CodeExecutionTool(sandbox, runtimes, Objects.requireNonNull(workspace, "workspace"));
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        ToolArguments arguments = ToolArguments.parse(invocation.argumentsJson());
        String language = arguments.string("language").strip().toLowerCase(Locale.ROOT);
        String code = arguments.string("code");
        Duration wall = min(sandbox.settings().wallTime(), invocation.context().timeout());
        Optional<ProcessSandbox.Request> request = switch (language) {
            case "python", "python3", "py" -> python(code, invocation, wall);
            case "java", "jshell" -> java(code, invocation, wall);
            default -> Optional.empty();
        };
        if (request.isEmpty()) {
            return ToolResult.failed("cannot run " + language + " code here; available languages: "
                    + String.join(", ", languages()));
        }
        SandboxRun run = workspace == null ? sandbox.run(request.get()) : sandbox.runIn(inWorkspace(request.get()));
        String report = report(language, run, wall, request.get().memoryBytes());
        return run.succeeded() ? ToolResult.ok(report) : ToolResult.failed(report);
    }

    private Optional<ProcessSandbox.Request> python(String code, ToolInvocation invocation, Duration wall) {
        return runtimes.python().map(python -> new ProcessSandbox.Request(
                Map.of("main.py", code), invocation.context().attachments(),
                List.of(python.executable().toString(), "-I", "-B", "main.py"),
                List.of(python.home()), sandbox.settings().memoryBytes(), sandbox.settings().memoryBytes(), wall));
    }

    private Optional<ProcessSandbox.Request> java(String code, ToolInvocation invocation, Duration wall) {
        long heap = sandbox.settings().memoryBytes();
        long addressSpace = heap + SandboxSettings.JVM_ADDRESS_OVERHEAD;
        long memory = heap + SandboxSettings.JVM_MEMORY_OVERHEAD;
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + (heap >> 20) + "m", "-Xss1m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=64m",
                "-XX:MaxMetaspaceSize=256m", "-Duser.home=.", "-Djava.io.tmpdir=/tmp"));
        if (workspace != null) {
            jvm.add("-Djava.util.prefs.userRoot=/tmp"); // JShell's preferences stay out of the task's workspace
        }
        if (MAIN.matcher(code).find()) {
            return runtimes.java().map(java -> {
                List<String> command = new ArrayList<>(List.of(java.executable().toString()));
                command.addAll(jvm);
                command.add("Main.java");
                return new ProcessSandbox.Request(Map.of("Main.java", code), invocation.context().attachments(),
                        command, List.of(java.home()), addressSpace, memory, wall);
            });
        }
        return runtimes.jshell().map(jshell -> {
            List<String> command = new ArrayList<>(List.of(jshell.executable().toString()));
            jvm.forEach(option -> command.add("-J" + option));
            command.addAll(List.of("--execution", "local", "--feedback", "normal", "snippet.jsh"));
            return new ProcessSandbox.Request(Map.of("snippet.jsh", code + "\n/exit\n"),
                    invocation.context().attachments(), command, List.of(jshell.home()), addressSpace, memory, wall);
        });
    }

    /**
     * The request's program on the bound workspace: its files go to the program directory, which the command then
     * names instead of the working directory.
     */
    private ProcessSandbox.WorkspaceRequest inWorkspace(ProcessSandbox.Request request) {
        List<String> command = request.command().stream()
                .map(part -> request.files().containsKey(part) ? ProcessSandbox.PROGRAM_DIR + "/" + part : part)
                .toList();
        return new ProcessSandbox.WorkspaceRequest(workspace, request.files(), command, request.readOnly(),
                request.addressSpaceBytes(), request.memoryBytes(), request.wallTime());
    }

    private String report(String language, SandboxRun run, Duration wall, long memoryBytes) {
        StringBuilder out = new StringBuilder();
        out.append("language: ").append(language).append('\n');
        out.append("isolation: ").append(run.isolation().description()).append('\n');
        out.append("limits: ").append(limits()).append('\n');
        out.append("run limits: ").append(run.runLimits().description()).append('\n');
        out.append("result: ").append(outcome(run, wall)).append('\n');
        if (run.hits().memoryKills() > 0) {
            out.append("memory: the run's memory limit of ").append(memoryBytes >> 20).append(" MiB was reached: ")
                    .append(run.hits().memoryKills()).append(" process(es) killed by the kernel\n");
        }
        if (run.hits().refusedForks() > 0) {
            out.append("processes: the run's limit of ").append(sandbox.settings().maxProcesses())
                    .append(" processes/threads refused ").append(run.hits().refusedForks()).append(" new one(s)\n");
        }
        if (!run.stdout().isEmpty()) {
            out.append("stdout:\n").append(run.stdout().stripTrailing()).append('\n');
        }
        if (!run.stderr().isEmpty()) {
            out.append("stderr:\n").append(run.stderr().stripTrailing()).append('\n');
        }
        if (run.stdout().isEmpty() && run.stderr().isEmpty()) {
            out.append("(no output)\n");
        }
        if (run.omittedBytes() > 0) {
            out.append("[output truncated: ").append(run.omittedBytes()).append(" more bytes not shown; the limit is ")
                    .append(sandbox.settings().maxOutputChars()).append(" bytes per stream]\n");
        }
        return out.toString().strip();
    }

    private String outcome(SandboxRun run, Duration wall) {
        if (run.timedOut()) {
            return "timed out: killed after the wall-time limit of " + seconds(wall);
        }
        return switch (run.exitCode()) {
            case 0 -> "exit code 0";
            case 137 -> "killed (SIGKILL): a limit was hit (CPU time, memory or processes)";
            case 152 -> "killed: CPU time limit of " + seconds(sandbox.settings().cpuTime()) + " reached (SIGXCPU)";
            case 153 -> "killed: file size limit reached (SIGXFSZ)";
            default -> run.exitCode() > 128 ? "killed by signal " + (run.exitCode() - 128)
                    : "exit code " + run.exitCode();
        };
    }

    private String limits() {
        SandboxSettings s = sandbox.settings();
        String workspaceSize = sandbox.isolation() == Isolation.LIMITS_ONLY ? "workspace size not limited"
                : "workspace " + (s.workspaceBytes() >> 20) + " MiB";
        return "wall time " + seconds(s.wallTime()) + ", CPU time " + seconds(s.cpuTime()) + ", memory "
                + (s.memoryBytes() >> 20) + " MiB (Java: the heap, and " + (SandboxSettings.JVM_MEMORY_OVERHEAD >> 20)
                + " MiB more for the JVM), " + s.maxProcesses() + " processes/threads, files up to "
                + (s.maxFileBytes() >> 20) + " MiB, " + workspaceSize + ", output " + s.maxOutputChars()
                + " bytes per stream";
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
