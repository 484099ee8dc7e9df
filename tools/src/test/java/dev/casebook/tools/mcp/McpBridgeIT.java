package dev.casebook.tools.mcp;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.Toolbox;
import dev.casebook.tools.builtin.CalculatorTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real MCP servers from npm (@modelcontextprotocol/server-everything and server-filesystem). */
class McpBridgeIT {
    /** What {@code report-port.cjs} prints once the server listens; group 1 is the port. */
    private static final Pattern LISTENING = Pattern.compile("casebook-test: listening on port (\\d+)");

    private static final ToolContext CONTEXT = new ToolContext("acme", "t1", List.of(), Duration.ofMinutes(1));

    private static ToolResult call(Toolbox toolbox, String name, String arguments) {
        return toolbox.execute(name, new ToolInvocation(arguments, CONTEXT));
    }

    @Test
    void lists_the_tools_of_a_stdio_server_with_its_prefix_beside_the_built_ins() {
        try (McpBridge bridge = McpBridge.start(
                List.of(McpServerSettings.stdio("everything", McpTestServers.everythingStdio())), McpAllowList.allowAll())) {
            Toolbox toolbox = bridge.toolbox("acme", List.of(new CalculatorTool()));

            assertThat(bridge.status()).containsKey("everything");
            assertThat(bridge.status().get("everything")).startsWith("connected, ");
            assertThat(toolbox.names()).startsWith("calculator")
                    .contains("everything__echo", "everything__get-sum", "everything__trigger-long-running-operation");
            Tool sum = toolbox.find("everything__get-sum").orElseThrow();
            assertThat(sum.specification().description()).startsWith("[MCP server everything] ");
            assertThat(sum.specification().parameters().properties()).containsKeys("a", "b");
        }
    }

    @Test
    void calls_tools_of_a_stdio_server() {
        try (McpBridge bridge = McpBridge.start(
                List.of(McpServerSettings.stdio("everything", McpTestServers.everythingStdio())), McpAllowList.allowAll())) {
            Toolbox toolbox = bridge.toolbox("acme", List.of());

            assertThat(call(toolbox, "everything__get-sum", "{\"a\": 17, \"b\": 25}").text()).contains("42");
            assertThat(call(toolbox, "everything__echo", "{\"message\": \"hello casebook\"}"))
                    .isInstanceOf(ToolResult.Ok.class)
                    .extracting(ToolResult::text).asString().contains("hello casebook");
        }
    }

    @Test
    void a_stdio_server_does_not_see_the_environment_of_this_server() {
        try (McpBridge bridge = McpBridge.start(List.of(new McpServerSettings("everything",
                McpTestServers.everythingStdio(), Map.of("GIVEN_TO_SERVER", "yes"), null, null, null)),
                McpAllowList.allowAll())) {
            String env = call(bridge.toolbox("acme", List.of()), "everything__get-env", "{}").text();

            assertThat(System.getenv("OPENAI_API_KEY")).isNotBlank();
            assertThat(env).contains("GIVEN_TO_SERVER").doesNotContain("OPENAI_API_KEY");
        }
    }

    @Test
    void reads_a_file_through_the_filesystem_server(@TempDir Path dir) throws IOException {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "the answer is 42");
        try (McpBridge bridge = McpBridge.start(
                List.of(McpServerSettings.stdio("filesystem", McpTestServers.filesystem(dir.toRealPath()))),
                McpAllowList.allowAll())) {
            Toolbox toolbox = bridge.toolbox("acme", List.of());

            assertThat(toolbox.names()).contains("filesystem__read_text_file", "filesystem__list_directory");
            ToolResult read = call(toolbox, "filesystem__read_text_file",
                    "{\"path\": \"" + notes.toRealPath() + "\"}");
            ToolResult outside = call(toolbox, "filesystem__read_text_file", "{\"path\": \"/etc/hostname\"}");

            assertThat(read).isInstanceOf(ToolResult.Ok.class);
            assertThat(read.text()).contains("the answer is 42");
            assertThat(outside).isInstanceOf(ToolResult.Failed.class);
            assertThat(outside.text()).containsIgnoringCase("access denied");
        }
    }

    @Test
    void calls_a_server_over_streamable_http_and_sse() throws Exception {
        HttpServer http = startHttpServer("streamableHttp");
        HttpServer sse = startHttpServer("sse");
        try (McpBridge bridge = McpBridge.start(List.of(
                McpServerSettings.http("remote", URI.create("http://127.0.0.1:" + http.port() + "/mcp"), "streamable-http"),
                McpServerSettings.http("legacy", URI.create("http://127.0.0.1:" + sse.port() + "/sse"), "sse")),
                McpAllowList.allowAll())) {
            Toolbox toolbox = bridge.toolbox("acme", List.of());

            assertThat(call(toolbox, "remote__get-sum", "{\"a\": 1, \"b\": 2}").text()).contains("3");
            assertThat(call(toolbox, "legacy__get-sum", "{\"a\": 40, \"b\": 2}").text()).contains("42");
        } finally {
            http.process().destroyForcibly();
            sse.process().destroyForcibly();
        }
    }

    @Test
    void a_server_that_crashes_mid_call_yields_a_tool_error_and_the_bridge_goes_on() throws Exception {
        try (McpBridge bridge = McpBridge.start(List.of(
                McpServerSettings.stdio("everything", McpTestServers.everythingStdio()).withTimeout(Duration.ofSeconds(20))),
                McpAllowList.allowAll())) {
            Toolbox toolbox = bridge.toolbox("acme", List.of(new CalculatorTool()));
            CompletableFuture<ToolResult> longCall = CompletableFuture.supplyAsync(() -> call(toolbox,
                    "everything__trigger-long-running-operation", "{\"duration\": 15, \"steps\": 5}"));
            ProcessHandle server = awaitServerProcess();
            awaitToolCallInFlight();

            server.destroyForcibly();
            ToolResult crashed = longCall.get(60, TimeUnit.SECONDS);

            assertThat(crashed).isInstanceOf(ToolResult.Failed.class);
            assertThat(crashed.text()).startsWith("the MCP server 'everything' stopped working during the call to "
                    + "'trigger-long-running-operation' (").endsWith("); it will be started again on the next call");
            assertThat(call(toolbox, "calculator", "{\"expression\": \"2+2\"}")).isEqualTo(ToolResult.ok("4"));
            assertThat(call(toolbox, "everything__get-sum", "{\"a\": 2, \"b\": 3}").text()).contains("5");
        }
    }

    @Test
    void an_unavailable_server_is_left_out_and_the_others_attach() {
        try (McpBridge bridge = McpBridge.start(List.of(
                McpServerSettings.stdio("broken", List.of("node", "/nonexistent/mcp-server.js")),
                McpServerSettings.stdio("everything", McpTestServers.everythingStdio())), McpAllowList.allowAll())) {

            assertThat(bridge.status().get("broken")).startsWith("unavailable: ");
            assertThat(bridge.tools()).extracting(Tool::name).contains("everything__echo")
                    .noneMatch(name -> name.startsWith("broken__"));
        }
    }

    @Test
    void each_tenant_sees_only_the_tools_of_its_allow_list() {
        McpAllowList allowList = new McpAllowList(Map.of(
                "acme", List.of("everything__get-sum", "everything__echo"),
                "default", List.of("everything__echo")));
        try (McpBridge bridge = McpBridge.start(
                List.of(McpServerSettings.stdio("everything", McpTestServers.everythingStdio())), allowList)) {

            assertThat(bridge.toolbox("acme", List.of(new CalculatorTool())).names())
                    .containsExactly("calculator", "everything__echo", "everything__get-sum");
            assertThat(bridge.toolbox("globex", List.of()).names()).containsExactly("everything__echo");
            ToolResult refused = call(bridge.toolbox("globex", List.of()), "everything__get-sum", "{\"a\":1,\"b\":1}");
            assertThat(refused).isInstanceOf(ToolResult.Failed.class);
            assertThat(refused.text()).startsWith("there is no tool named 'everything__get-sum'");
        }
    }

    @Test
    void a_toolbox_shared_by_all_tenants_refuses_calls_outside_the_tenants_allow_list() {
        McpAllowList allowList = new McpAllowList(Map.of("acme", List.of("everything__*")));
        try (McpBridge bridge = McpBridge.start(
                List.of(McpServerSettings.stdio("everything", McpTestServers.everythingStdio())), allowList)) {
            Toolbox shared = new Toolbox(bridge.tenantCheckedTools());
            ToolContext globex = new ToolContext("globex", "t2", List.of(), Duration.ofMinutes(1));

            ToolResult refused = shared.execute("everything__get-sum", new ToolInvocation("{\"a\":1,\"b\":1}", globex));
            ToolResult allowed = call(shared, "everything__get-sum", "{\"a\":1,\"b\":1}");

            assertThat(refused).isEqualTo(ToolResult.failed(
                    "the tool 'everything__get-sum' is not available to tenant 'globex'"));
            assertThat(allowed.text()).contains("2");
        }
    }

    private static ProcessHandle awaitServerProcess() {
        return eventually("the MCP server process", () -> ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("server-everything"))
                .filter(p -> p.info().command().orElse("").endsWith("node"))
                .findFirst(), Optional::isPresent).orElseThrow();
    }

    /**
     * Waits until a thread of this test waits in the MCP client's {@code executeTool} for the server's answer: the
     * request was sent, the call is in flight.
     */
    private static void awaitToolCallInFlight() {
        eventually("a thread of the test waiting in the MCP client for a tool's answer",
                () -> Thread.getAllStackTraces().entrySet().stream().anyMatch(thread -> {
                    Thread.State state = thread.getKey().getState();
                    List<StackTraceElement> frames = List.of(thread.getValue());
                    return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                            && frames.stream().anyMatch(f -> f.getClassName().startsWith("dev.langchain4j.mcp")
                                    && f.getMethodName().equals("executeTool"))
                            && frames.stream().anyMatch(f -> f.getClassName().startsWith(McpBridgeIT.class.getName()));
                }), Boolean::booleanValue);
    }

    /** An MCP server over HTTP started by the test, and the port it listens on. */
    private record HttpServer(Process process, int port) {
    }

    /**
     * Starts the everything server over {@code transport} on port 0, and reads the port it got from the line
     * {@code report-port.cjs} (preloaded) prints once it listens: no other process can take the port in between.
     */
    private static HttpServer startHttpServer(String transport) throws Exception {
        Path reportPort = Path.of(McpBridgeIT.class.getResource("report-port.cjs").toURI());
        ProcessBuilder builder = new ProcessBuilder("node", "--require", reportPort.toString(),
                McpTestServers.script("server-everything").toString(), transport)
                .redirectErrorStream(true);
        builder.environment().put("PORT", "0");
        Process process = builder.start();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream()));
        CompletableFuture<Integer> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder output = new StringBuilder();
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    Matcher listening = LISTENING.matcher(line);
                    if (listening.matches()) {
                        return Integer.parseInt(listening.group(1));
                    }
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("the " + transport + " MCP server ended before it listened:\n" + output);
        });
        int port;
        try {
            port = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        Thread.ofVirtual().start(() -> {
            try {
                reader.transferTo(Writer.nullWriter());
            } catch (IOException ignored) {
                // the server was stopped
            }
        });
        return new HttpServer(process, port);
    }
}
