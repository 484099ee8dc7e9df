package dev.casebook.tools.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.testing.LocalHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox on this machine: whichever isolation works here is detected and asserted on. Where namespaces are
 * available (root or user namespaces), files outside the workspace are hidden and the network is gone; where they are
 * not, the tests assert and the result says that those are NOT isolated.
 */
class CodeExecutionToolIT {
    private static final ToolContext CONTEXT = new ToolContext("acme", "t1", List.of(), Duration.ofMinutes(2));

    @TempDir
    Path workRoot;

    private CodeExecutionTool tool;

    @BeforeEach
    void createTool() {
        tool = tool(SandboxSettings.defaults());
    }

    private CodeExecutionTool tool(SandboxSettings settings) {
        return new CodeExecutionTool(new ProcessSandbox(settings.withWorkRoot(workRoot)));
    }

    private static ToolResult run(CodeExecutionTool tool, String language, String code, List<Path> attachments) {
        String json = "{\"language\":\"" + language + "\",\"code\":" + jsonString(code) + "}";
        return tool.execute(new ToolInvocation(json, new ToolContext("acme", "t1", attachments, Duration.ofMinutes(2))));
    }

    private ToolResult python(String code) {
        return run(tool, "python", code, List.of());
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private boolean isolated() {
        return tool.isolation() != Isolation.LIMITS_ONLY;
    }

    @Test
    void python_is_available_on_this_machine() {
        assertThat(tool.languages()).containsExactly("python", "java");
    }

    @Test
    void runs_python_and_says_which_isolation_applied() {
        ToolResult result = python("print(6 * 7)");

        assertThat(result).isInstanceOf(ToolResult.Ok.class);
        assertThat(result.text())
                .contains("isolation: " + tool.isolation().description())
                .contains("limits: wall time 30 s, CPU time 20 s, memory 512 MiB (Java: the heap, and 256 MiB more for"
                        + " the JVM), 64 processes/threads, files up to 64 MiB, workspace 256 MiB, output 20000 bytes"
                        + " per stream\nrun limits: " + tool.runLimits().description() + "\n")
                .contains("result: exit code 0\nstdout:\n42");
    }

    @Test
    void runs_java_statements_in_jshell_and_classes_with_main_as_source() {
        ToolResult snippet = run(tool, "java", "int x = 6;\nSystem.out.println(\"answer \" + x * 7);", List.of());
        ToolResult program = run(tool, "java", """
                public class Hello {
                    public static void main(String[] args) {
                        System.out.println("from main " + Runtime.version().feature());
                    }
                }""", List.of());

        assertThat(snippet).isInstanceOf(ToolResult.Ok.class);
        assertThat(snippet.text()).contains("answer 42");
        assertThat(program).isInstanceOf(ToolResult.Ok.class);
        assertThat(program.text()).contains("stdout:\nfrom main " + Runtime.version().feature());
    }

    @Test
    void a_failing_program_is_a_failed_result_with_its_error_output() {
        ToolResult result = python("raise ValueError('bad input')");

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).contains("result: exit code 1").contains("ValueError: bad input");
    }

    @Test
    void the_child_sees_a_minimal_environment_without_the_servers_secrets() {
        assertThat(System.getenv("OPENAI_API_KEY")).as("set for this test by the build").isNotBlank();

        ToolResult result = python("import os\nfor k in sorted(os.environ): print(k + '=' + os.environ[k])");

        assertThat(result.text()).doesNotContain("OPENAI_API_KEY").doesNotContain(System.getenv("OPENAI_API_KEY"));
        String stdout = result.text().substring(result.text().indexOf("stdout:\n") + 8);
        assertThat(stdout.lines().map(line -> line.substring(0, line.indexOf('='))).toList())
                .containsExactly("HOME", "LANG", "LC_ALL", "MPLBACKEND", "PATH", "PYTHONDONTWRITEBYTECODE",
                        "PYTHONUNBUFFERED", "TMPDIR");
    }

    @Test
    void attachments_are_readable_in_the_workspace_and_the_workspace_is_deleted(@TempDir Path attachments)
            throws IOException {
        Path data = Files.writeString(attachments.resolve("sales.csv"), "item,qty\napple,3\npear,4\n");

        ToolResult result = run(tool, "python", """
                import csv, os
                rows = list(csv.DictReader(open('sales.csv')))
                print(sum(int(r['qty']) for r in rows))
                open('left-behind.txt', 'w').write('x')
                print(os.getcwd())""", List.of(data));

        assertThat(result.text()).contains("stdout:\n7\n");
        try (var left = Files.list(workRoot)) {
            assertThat(left.toList()).as("workspaces left in " + workRoot).isEmpty();
        }
    }

    @Test
    void files_outside_the_workspace_are_hidden_when_namespaces_are_available(@TempDir Path outside)
            throws IOException {
        Path secret = Files.writeString(outside.resolve("server-secret.txt"), "top secret");
        String code = """
                import os
                for p in [%s, '/root', '/work', '/etc/shadow']:
                    try:
                        if os.path.isdir(p):
                            print(p, 'dir', os.listdir(p))
                        else:
                            print(p, 'read', open(p).read())
                    except Exception as e:
                        print(p, 'error', type(e).__name__)
                print('top', sorted(os.listdir('/')))""".formatted(jsonString(secret.toString()));

        ToolResult result = python(code);

        if (isolated()) {
            assertThat(result.text())
                    .contains(secret + " error FileNotFoundError")
                    .contains("/root error FileNotFoundError")
                    .contains("/work error FileNotFoundError")
                    .doesNotContain("top secret");
            String top = result.text().lines().filter(line -> line.startsWith("top ")).findFirst().orElseThrow();
            assertThat(top).contains("'usr'", "'etc'", "'workspace'", "'tmp'", "'proc'")
                    .doesNotContain("'root'", "'home'", "'work'", "'var'", "'opt'", "'srv'", "'mnt'");
            if (tool.isolation() == Isolation.NAMESPACES) {
                assertThat(result.text()).contains("/etc/shadow error PermissionError");
            }
        } else {
            assertThat(result.text()).contains("NOT isolated").contains(secret + " read top secret");
        }
    }

    @Test
    void network_connections_fail_when_namespaces_are_available() {
        try (LocalHttpServer server = LocalHttpServer.start()) {
            server.respond("/", 200, "text/plain", "reached");
            String code = """
                    import urllib.request
                    for url in ['http://127.0.0.1:%d/', 'http://1.1.1.1/']:
                        try:
                            print(url, urllib.request.urlopen(url, timeout=3).read().decode())
                        except Exception as e:
                            print(url, 'refused', type(e).__name__, e)""".formatted(server.port());

            ToolResult result = python(code);

            if (isolated()) {
                assertThat(result.text()).contains("http://127.0.0.1:" + server.port() + "/ refused")
                        .contains("http://1.1.1.1/ refused").doesNotContain("reached");
                assertThat(server.requests()).isEmpty();
            } else {
                assertThat(result.text()).contains("NOT isolated").contains("reached");
            }
        }
    }

    @Test
    void a_fork_bomb_hits_the_process_limit() {
        ToolResult result = python("""
                import os, time
                children = 0
                try:
                    while True:
                        if os.fork() == 0:
                            time.sleep(60)
                            os._exit(0)
                        children += 1
                except OSError as e:
                    print('fork refused after', children, 'children:', e.strerror)""");

        Matcher refused = Pattern.compile("fork refused after (\\d+) children: Resource temporarily unavailable")
                .matcher(result.text());
        assertThat(refused.find()).as(result.text()).isTrue();
        assertThat(Integer.parseInt(refused.group(1))).isLessThan(64);
    }

    @Test
    void a_memory_hog_hits_the_memory_limit() {
        ToolResult python = python("""
                blocks = []
                try:
                    while True:
                        blocks.append(bytearray(64 * 1024 * 1024))
                except MemoryError:
                    print('memory refused after', len(blocks) * 64, 'MiB')""");
        ToolResult java = run(tool, "java", "var blocks = new java.util.ArrayList<byte[]>();\n"
                + "try { while (true) blocks.add(new byte[64 << 20]); } catch (OutOfMemoryError e) "
                + "{ int n = blocks.size(); blocks.clear(); System.out.println(\"heap refused after \" + n * 64 + \" MiB\"); }",
                List.of());

        Matcher pythonRefused = Pattern.compile("memory refused after (\\d+) MiB").matcher(python.text());
        assertThat(pythonRefused.find()).as(python.text()).isTrue();
        assertThat(Integer.parseInt(pythonRefused.group(1))).isLessThan(512);
        Matcher javaRefused = Pattern.compile("heap refused after (\\d+) MiB").matcher(java.text());
        assertThat(javaRefused.find()).as(java.text()).isTrue();
        assertThat(Integer.parseInt(javaRefused.group(1))).isLessThan(512);
    }

    @Test
    void an_infinite_loop_hits_the_wall_time_limit() {
        CodeExecutionTool quick = tool(SandboxSettings.defaults().withWallTime(Duration.ofSeconds(2)));

        ToolResult result = run(quick, "python", "while True:\n    pass", List.of());

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).contains("result: timed out: killed after the wall-time limit of 2 s");
    }

    @Test
    void a_busy_loop_hits_the_cpu_limit() {
        CodeExecutionTool cpuBound = tool(new SandboxSettings(Duration.ofSeconds(60), Duration.ofSeconds(1),
                512L << 20, 64, 1 << 20, 20_000, 256L << 20, null, null));

        ToolResult result = run(cpuBound, "python", "while True:\n    pass", List.of());

        assertThat(result).isInstanceOf(ToolResult.Failed.class);
        assertThat(result.text()).contains("result: killed: CPU time limit of 1 s reached (SIGXCPU)");
    }

    @Test
    void huge_output_is_truncated() {
        CodeExecutionTool small = tool(SandboxSettings.defaults().withMaxOutputChars(1000));

        ToolResult result = run(small, "python", "import sys\nfor i in range(200000): sys.stdout.write('y' * 50)",
                List.of());

        assertThat(result.text()).contains("y".repeat(1000))
                .doesNotContain("y".repeat(1001))
                .contains("[output truncated: 9999000 more bytes not shown; the limit is 1000 bytes per stream]");
    }

    @Test
    void without_namespaces_the_result_says_that_files_and_network_are_not_isolated() throws IOException {
        Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx--x--x"));
        CodeExecutionTool limitsOnly = new CodeExecutionTool(new ProcessSandbox(
                SandboxSettings.defaults().withWorkRoot(workRoot), Isolation.LIMITS_ONLY));
        CodeExecutionTool limitsOnlyQuick = new CodeExecutionTool(new ProcessSandbox(
                SandboxSettings.defaults().withWallTime(Duration.ofSeconds(2)).withWorkRoot(workRoot),
                Isolation.LIMITS_ONLY));

        ToolResult hello = run(limitsOnly, "python", "import os\nprint('OPENAI_API_KEY' in os.environ, os.getuid() == 0)", List.of());
        ToolResult loop = run(limitsOnlyQuick, "python", "while True:\n    pass", List.of());

        assertThat(hello.text()).contains("isolation: resource limits and a minimal environment only: the network "
                + "and the server's files are NOT isolated").contains("stdout:\nFalse False");
        assertThat(loop.text()).contains("result: timed out: killed after the wall-time limit of 2 s");
    }

    @Test
    void refuses_a_language_it_does_not_have() {
        assertThat(run(tool, "ruby", "puts 1", List.of()))
                .isEqualTo(ToolResult.failed("cannot run ruby code here; available languages: python, java"));
    }

    @Test
    void runs_a_program_whose_text_holds_an_unpaired_surrogate_a_model_sent() {
        ToolResult result = python("print(6 * 7)  # a model wrote \ud800 here");

        assertThat(result).as(result.text()).isInstanceOf(ToolResult.Ok.class);
        assertThat(result.text()).contains("stdout:\n42");
    }
}
