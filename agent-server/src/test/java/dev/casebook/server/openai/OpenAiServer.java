package dev.casebook.server.openai;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running server with the {@code /v1} API, for the OpenAI-compatible API's tests (they share its context): run
 * records in H2, case memory in a Lucene directory, the real embedding model and tools, the scripted LLM as the only
 * fake. Two tenants; a profile {@code casebook-readonly} only tenant {@code acme} may use; the code tool off (so
 * images cannot be read); short keep-alives (a client that left is noticed within a second).
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:openai;DB_CLOSE_DELAY=-1")
abstract class OpenAiServer {
    static final String KEY_A = "openai-test-key-acme";
    static final String KEY_B = "openai-test-key-globex";
    /** Shared by the subclasses (one cached context points at it), so it lives as long as the test JVM. */
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "acme");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY_A));
        registry.add("casebook.security.api-keys[1].tenant", () -> "globex");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(KEY_B));
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/openai-cases-" + UUID.randomUUID());
        registry.add("casebook.attachments.dir", () -> "target/openai-attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.max-retries", () -> "0");
        registry.add("casebook.models.executor.model", () -> "scripted-executor");
        registry.add("casebook.tools.code.enabled", () -> "false");
        registry.add("casebook.api.max-body-bytes", () -> "2000000");
        registry.add("casebook.openai.keep-alive", () -> "200ms");
        registry.add("casebook.openai.models.casebook-readonly.memory-mode", () -> "read-only");
        registry.add("casebook.openai.models.casebook-readonly.tenants[0]", () -> "acme");
        registry.add("casebook.openai.models.casebook-readonly.description", () -> "reads memory, never writes it");
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    TestClient v1() {
        return new TestClient(port, KEY_A);
    }

    /** Requests about the task whose first user message starts with a line containing {@code marker}. */
    static Predicate<LlmRequest> task(String marker) {
        return request -> {
            for (com.fasterxml.jackson.databind.JsonNode message : request.messages()) {
                if ("user".equals(message.path("role").asText())) {
                    return message.path("content").asText().lines().findFirst().orElse("").contains(marker);
                }
            }
            return false;
        };
    }

    /**
     * The happy path as real models write it: a plan in prose with a fenced JSON block, a calculator call, a result,
     * a final answer after some reasoning.
     */
    static void scriptCalculator(String marker, String expression, String result) {
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("""
                <think>The user wants arithmetic; one subtask is enough.</think>
                Sure! Here is my plan:
                ```json
                {"subtasks": ["Compute %s with the calculator"]}
                ```
                Let me know if you need more.""".formatted(expression)));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"" + expression + "\"}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("The calculator says " + expression + " = "
                        + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("The result is in. {\"answer\": \"FINAL ANSWER: " + result + "\"}"));
    }

    /** A chat completion body: model, the messages (role, content pairs), and nothing else. */
    static ObjectNode chat(String model, String... roleAndContent) {
        ObjectNode body = TestClient.JSON.createObjectNode().put("model", model);
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < roleAndContent.length; i += 2) {
            messages.addObject().put("role", roleAndContent[i]).put("content", roleAndContent[i + 1]);
        }
        return body;
    }
}
