package dev.casebook.server.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.code.SandboxSettings;
import dev.casebook.tools.mcp.McpBridge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ToolConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(ToolConfiguration.class);

    private static List<String> toolNames(org.springframework.context.ApplicationContext context) {
        return context.getBeanProvider(Tool.class).orderedStream().map(Tool::name).toList();
    }

    private static ToolResult call(Tool tool, String tenant, String arguments) {
        return tool.execute(new ToolInvocation(arguments,
                new ToolContext(tenant, "t1", List.of(), Duration.ofSeconds(30))));
    }

    @Test
    void offers_the_built_in_tools_by_default() {
        runner.run(context -> {
            assertThat(toolNames(context))
                    .containsExactlyInAnyOrder("read_document", "web_search", "fetch_page", "execute_code");
            Tool search = context.getBean("webSearchTool", Tool.class);
            assertThat(call(search, "acme", "{\"query\":\"x\"}").text())
                    .startsWith("web search is not available: no search provider is configured");
        });
    }

    @Test
    void binds_limits_and_switches_tools_off() {
        runner.withPropertyValues("casebook.tools.fetch.enabled=false", "casebook.tools.code.enabled=false",
                        "casebook.tools.search.provider=searxng", "casebook.tools.search.base-url=http://127.0.0.1:9",
                        "casebook.tools.documents.max-file-bytes=2KB", "casebook.tools.code.memory=300MB",
                        "casebook.tools.code.max-processes=20", "casebook.tools.code.workspace-size=40MB",
                        "casebook.tools.code.cgroup-parent=/sys/fs/cgroup/casebook")
                .run(context -> {
                    assertThat(toolNames(context)).containsExactlyInAnyOrder("read_document", "web_search");
                    assertThat(context.getBean(ToolSettings.class).documents().toSettings().maxFileBytes())
                            .isEqualTo(2048);
                    SandboxSettings code = context.getBean(ToolSettings.class).code().toSettings();
                    assertThat(code.memoryBytes()).isEqualTo(300L << 20);
                    assertThat(code.maxProcesses()).isEqualTo(20);
                    assertThat(code.workspaceBytes()).isEqualTo(40L << 20);
                    assertThat(code.cgroupParent()).isEqualTo(Path.of("/sys/fs/cgroup/casebook"));
                    assertThat(code.wallTime()).isEqualTo(SandboxSettings.defaults().wallTime());
                    assertThat(context.getBean(ToolSettings.class).search().toSettings().provider()).isEqualTo("searxng");
                });
    }

    @Test
    void keeps_keys_and_server_environments_out_of_the_settings_text() {
        runner.withPropertyValues("casebook.tools.search.provider=brave", "casebook.tools.search.api-key=brave-secret",
                        "casebook.tools.code.enabled=false", "casebook.tools.fetch.enabled=false")
                .run(context -> {
                    ToolSettings settings = context.getBean(ToolSettings.class);
                    ToolSettings.Server server = new ToolSettings.Server("gh", List.of("gh-mcp"),
                            Map.of("GITHUB_TOKEN", "ghp-secret"), null, null, null);
                    assertThat(settings.toString()).contains("provider=brave").doesNotContain("brave-secret");
                    assertThat(server.toString()).contains("GITHUB_TOKEN").doesNotContain("ghp-secret");
                });
    }

    @Test
    void refuses_an_unknown_search_provider_at_start_up() {
        runner.withPropertyValues("casebook.tools.search.provider=google").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessage("unknown search provider 'google': use none, searxng, brave or tavily");
        });
    }

    @Test
    void registers_the_tools_of_configured_mcp_servers_with_tenant_allow_lists() {
        String script = projectRoot().resolve(
                ".casebook/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js").toString();
        assertThat(Path.of(script)).as("run scripts/setup-mcp-servers.sh").isRegularFile();
        runner.withPropertyValues("casebook.tools.code.enabled=false",
                        "casebook.tools.mcp.servers[0].name=everything",
                        "casebook.tools.mcp.servers[0].command[0]=node",
                        "casebook.tools.mcp.servers[0].command[1]=" + script,
                        "casebook.tools.mcp.servers[0].command[2]=stdio",
                        "casebook.tools.mcp.allowed-tools.acme[0]=everything__get-*")
                .run(context -> {
                    assertThat(toolNames(context)).contains("read_document", "everything__get-sum", "everything__echo");
                    assertThat(context.getBean(McpBridge.class).status().get("everything")).startsWith("connected");
                    Tool sum = context.getBean("mcpTool.everything__get-sum", Tool.class);
                    assertThat(call(sum, "acme", "{\"a\":20,\"b\":22}").text()).contains("42");
                    assertThat(call(sum, "globex", "{\"a\":20,\"b\":22}")).isEqualTo(ToolResult.failed(
                            "the tool 'everything__get-sum' is not available to tenant 'globex'"));
                });
    }

    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/setup-mcp-servers.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
    }
}
