package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The server that dream tests run against, on the embedded database: its REST API, the real agent and LangChain4j
 * client, the in-process embedder, a Lucene case store, and the scripted LLM server as the only fake. A real tool,
 * {@code price_lookup}, records every call it gets: real tasks call it, dreams never may. The subclasses share one
 * context; each test scripts the LLM for task texts of its own.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:dreams;DB_CLOSE_DELAY=-1")
@Import(DreamsContext.RealTools.class)
abstract class DreamsContext {
    static final String KEY = "dreams-key-a";
    static final String OTHER_KEY = "dreams-key-b";
    /** A tenant of its own for the fidelity test, whose measurement gates its synthetic cases. */
    static final String FIDELITY_KEY = "dreams-key-c";
    /** A tenant of its own for the quota of unconfirmed synthetic cases, whose memory its test alone fills. */
    static final String QUOTA_KEY = "dreams-key-d";
    /** A tenant of its own for refutation, whose memory its test alone fills. */
    static final String REFUTE_KEY = "dreams-key-e";
    /** A tenant of its own for a fidelity measurement that fails, so that it never sees another test's records. */
    static final String UNMEASURED_KEY = "dreams-key-f";
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    /** Every item the real price tool was asked about, in order. */
    static final List<String> REAL_CALLS = new CopyOnWriteArrayList<>();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "dreamer-a");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY));
        registry.add("casebook.security.api-keys[1].tenant", () -> "dreamer-b");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(OTHER_KEY));
        registry.add("casebook.security.api-keys[2].tenant", () -> "dreamer-c");
        registry.add("casebook.security.api-keys[2].sha256", () -> ApiKeys.sha256(FIDELITY_KEY));
        registry.add("casebook.security.api-keys[3].tenant", () -> "dreamer-d");
        registry.add("casebook.security.api-keys[3].sha256", () -> ApiKeys.sha256(QUOTA_KEY));
        registry.add("casebook.security.api-keys[4].tenant", () -> "dreamer-e");
        registry.add("casebook.security.api-keys[4].sha256", () -> ApiKeys.sha256(REFUTE_KEY));
        registry.add("casebook.security.api-keys[5].tenant", () -> "dreamer-f");
        registry.add("casebook.security.api-keys[5].sha256", () -> ApiKeys.sha256(UNMEASURED_KEY));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "0");
        registry.add("casebook.models.experience.model", () -> "scripted-world-model");
    }

    @TestConfiguration
    static class RealTools {
        @Bean
        Tool priceLookup() {
            return new PriceTool();
        }
    }

    /** A real tool: it answers from a catalogue, and remembers that it was called. */
    static final class PriceTool implements Tool {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("price_lookup")
                    .description("Looks up the price of an item in the catalogue")
                    .parameters(JsonObjectSchema.builder().addStringProperty("item").required("item").build()).build();
        }

        @Override
        public ToolResult execute(ToolInvocation invocation) {
            String item = TestClient.JSON.readTree(invocation.argumentsJson()).path("item").asString();
            REAL_CALLS.add(item);
            return ToolResult.ok(item + ": 12.50 EUR");
        }
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
        REAL_CALLS.clear();
    }

    TestClient api() {
        return new TestClient(port, KEY);
    }

    /** Plan one price look-up of {@code item}, call the tool, report what it said, answer {@code answer}. */
    static void scriptPriceTask(String marker, String item, String answer) {
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Look up the price of the " + item + "\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("price_lookup", "{\"item\": \"" + item + "\"}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("The tool said: " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: " + answer + "\"}"));
    }

    /** A real task of the caller's tenant that looks up {@code item}'s price with the real tool. */
    String realTask(TestClient api, String marker, String item) {
        scriptPriceTask(marker, item, "12.50 EUR");
        TestClient.Reply created = api.post("/api/tasks", "{\"text\": \"" + marker + ": what does the " + item
                + " cost?\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode done = api.awaitTask(created.json().get("id").asString());
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("answered");
        return done.get("id").asString();
    }

    static String transition(String observation, String reward, boolean done) {
        return "{\"reasoning\": \"the catalogue prices things like the widget\", \"observation\": \"" + observation
                + "\", \"reward\": " + reward + ", \"done\": " + done + "}";
    }
}
