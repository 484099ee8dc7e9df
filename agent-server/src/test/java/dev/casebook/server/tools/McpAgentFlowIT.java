package dev.casebook.server.tools;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agent task calls a tool of a real MCP server (@modelcontextprotocol/server-everything from npm, over stdio)
 * end to end: the running server, its REST API, the real LangChain4j client, the scripted LLM as the only fake.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:mcpflow;DB_CLOSE_DELAY=-1")
class McpAgentFlowIT {
    private static final String KEY = "mcp-flow-key";
    /** A tenant outside the MCP allow-list. */
    private static final String PLAIN_KEY = "plain-flow-key";
    private static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-mcp");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-plain");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(PLAIN_KEY));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.executor.model", () -> "scripted-executor");
        registry.add("casebook.tools.code.enabled", () -> "false");
        registry.add("casebook.memory.store", () -> "none");
        registry.add("casebook.tools.mcp.servers[0].name", () -> "everything");
        registry.add("casebook.tools.mcp.servers[0].command[0]", () -> "node");
        registry.add("casebook.tools.mcp.servers[0].command[1]", McpAgentFlowIT::everythingScript);
        registry.add("casebook.tools.mcp.servers[0].command[2]", () -> "stdio");
        registry.add("casebook.tools.mcp.allowed-tools.tenant-mcp[0]", () -> "everything__*");
    }

    @AfterAll
    static void stopLlm() {
        LLM.close();
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    @Test
    void a_task_calls_a_tool_of_an_mcp_server() {
        String marker = "mcp-sum";
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"add 20 and 22 with everything__get-sum\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("everything__get-sum", "{\"a\": 20, \"b\": 22}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("sum: " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"42\"}"));

        String id = create("{\"text\":\"" + marker + ": what is 20+22?\",\"memoryMode\":\"off\"}");

        JsonNode task = awaitEnd(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("42");
        JsonNode returned = step(id, "tool_returned");
        assertThat(returned.get("tool").asString()).isEqualTo("everything__get-sum");
        assertThat(returned.get("ok").asBoolean()).isTrue();
        assertThat(returned.get("result").asString()).contains("42");
        LlmRequest execute = LLM.requests(Match.interaction("execute")).getFirst();
        assertThat(Match.offersTool("everything__get-sum").test(execute)).isTrue();
        assertThat(Match.offersTool("calculator").test(execute)).isTrue();
    }

    @Test
    void a_tenant_outside_the_allow_list_is_not_shown_the_mcp_tools_and_cannot_call_them() {
        String marker = "mcp-hidden";
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"add 20 and 22 with everything__get-sum\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("everything__get-sum", "{\"a\": 20, \"b\": 22}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("no sum: " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"unknown\"}"));

        String id = create(PLAIN_KEY, "{\"text\":\"" + marker + ": what is 20+22?\",\"memoryMode\":\"off\"}");

        JsonNode task = awaitEnd(PLAIN_KEY, id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        LlmRequest execute = LLM.requests(Match.interaction("execute").and(task(marker))).getFirst();
        assertThat(execute.toolNames()).contains("calculator").noneMatch(name -> name.startsWith("everything__"));
        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task(marker))).getFirst();
        assertThat(plan.systemPrompt()).contains("calculator").doesNotContain("everything__");
        JsonNode returned = step(PLAIN_KEY, id, "tool_returned");
        assertThat(returned.get("ok").asBoolean()).isFalse();
        assertThat(returned.get("result").asString()).startsWith("there is no tool named 'everything__get-sum'")
                .doesNotContain("everything__echo");
    }

    @Test
    void a_server_that_crashes_mid_task_yields_a_tool_error_and_the_task_goes_on() throws Exception {
        String marker = "mcp-crash";
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"run the long operation\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("everything__trigger-long-running-operation", "{\"duration\": 20, \"steps\": 5}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("the operation failed: " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("{\"answer\": \"the MCP server crashed\"}"));

        String id = create("{\"text\":\"" + marker + ": run it\",\"memoryMode\":\"off\"}");
        assertThat(LLM.awaitRequests(2, Duration.ofSeconds(120))).isTrue();
        awaitStep(id, "tool_called"); // the call goes to the server now (were it not sent yet, it would meet the crash)
        ProcessHandle server = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("server-everything"))
                .filter(p -> p.info().command().orElse("").endsWith("node"))
                .findFirst().orElseThrow();
        server.destroyForcibly();

        JsonNode task = awaitEnd(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("the MCP server crashed");
        JsonNode returned = step(id, "tool_returned");
        assertThat(returned.get("ok").asBoolean()).isFalse();
        assertThat(returned.get("result").asString()).startsWith("the MCP server 'everything' stopped working during "
                + "the call to 'trigger-long-running-operation'");
        assertThat(LLM.requests(Match.interaction("execute").and(Match.afterToolResult())).getFirst().toolResults()
                .getLast()).contains("stopped working");
    }

    private static Predicate<LlmRequest> task(String marker) {
        return Match.anyMessageContains(marker);
    }

    private String create(String body) {
        return create(KEY, body);
    }

    private String create(String key, String body) {
        HttpResponse<String> response = send(request(key, "/api/tasks").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("id").asString();
    }

    private JsonNode awaitEnd(String id) {
        return awaitEnd(KEY, id);
    }

    private JsonNode awaitEnd(String key, String id) {
        return eventually("task " + id + " to end", () -> JSON.readTree(send(request(key, "/api/tasks/" + id).GET())
                .body()), TestClient::atRest);
    }

    private void awaitStep(String id, String type) {
        eventually("a step " + type + " of task " + id, () -> JSON.readTree(send(request(KEY, "/api/tasks/" + id
                + "/steps").GET()).body()), steps -> hasStep(steps, type));
    }

    private static boolean hasStep(JsonNode steps, String type) {
        for (JsonNode step : steps) {
            if (step.get("type").asString().equals(type)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode step(String id, String type) {
        return step(KEY, id, type);
    }

    private JsonNode step(String key, String id, String type) {
        for (JsonNode step : JSON.readTree(send(request(key, "/api/tasks/" + id + "/steps").GET()).body())) {
            if (step.get("type").asString().equals(type)) {
                return step;
            }
        }
        throw new AssertionError("task " + id + " has no step " + type);
    }

    private HttpRequest.Builder request(String key, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + key);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String everythingScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve(".casebook/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
            if (Files.isRegularFile(dir.resolve("scripts/setup-mcp-servers.sh"))) {
                if (!Files.isRegularFile(script)) {
                    throw new IllegalStateException(script + " is missing: run scripts/setup-mcp-servers.sh");
                }
                return script.toString();
            }
        }
        throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
    }
}
