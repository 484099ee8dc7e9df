package dev.casebook.server.tasks;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.AgentFactory;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.testkit.llm.ServerShape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The conformance suite: the scripted LLM server replays, as each documented OpenAI-compatible server shapes it
 * ({@link ServerShape}, each constant naming the documentation it follows), the same plan → tool call → answer
 * episode, through the real agent loop of the running server (REST, run records, the real LangChain4j client and
 * calculator), and the task answers correctly. Streamed replies run through the same agent built with a streaming
 * role.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:conformance;DB_CLOSE_DELAY=-1")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelServersConformanceIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;
    @Autowired
    AgentFactory agents;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "conformance-model");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "0");
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    /**
     * The episode every server replays: a plan with reasoning (a draft answer and a draft JSON in it), a tool call
     * with reasoning, a report of the tool's result, and the planner's answer, reasoning first.
     */
    static void script(String marker, Reply.ToolCall call) {
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text(
                "Here is the plan:\n```json\n{\"subtasks\": [\"Compute 17*23 with the calculator\"]}\n```")
                .withReasoning("17*23 might be 400, so {\"answer\": \"400\"}; FINAL ANSWER: 400. Better compute it."));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCalls(call).withReasoning("The calculator gives the exact product."));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("17*23 = " + r.toolResults().getLast())
                        .withReasoning("The tool answered.")));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"391\"}")
                .withReasoning("The result answers the task; not {\"subtasks\": []}."));
    }

    static Reply.ToolCall calculator() {
        return new Reply.ToolCall("calculator", "{\"expression\": \"17*23\"}");
    }

    /** Runs the episode through the REST API in this shape and checks the answer and the trace. */
    void conforms(ServerShape shape, Reply.ToolCall call) {
        LLM.imitate(shape);
        String marker = "Conformance " + shape;
        script(marker, call);
        TestClient api = new TestClient(port, null);
        TestClient.Reply created = api.post("/api/tasks", "{\"text\":\"" + marker + ": what is 17*23?\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").asString();

        JsonNode task = api.awaitTask(id);

        assertThat(task.get("status").asString()).as(shape + ": " + task).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("391");
        assertThat(task.get("tokensEstimated").asBoolean()).isFalse();
        List<String> types = new ArrayList<>();
        JsonNode planned = null;
        JsonNode returned = null;
        for (JsonNode s : api.get("/api/tasks/" + id + "/steps").json()) {
            types.add(s.get("type").asString());
            planned = s.get("type").asString().equals("planned") && planned == null ? s : planned;
            returned = s.get("type").asString().equals("tool_returned") ? s : returned;
        }
        assertThat(types).containsSubsequence("planned", "tool_called", "tool_returned", "subtask_done", "planned",
                "answered");
        assertThat(returned.get("result").asString()).isEqualTo("391");
        if (shape != ServerShape.OPENAI) { // OpenAI's chat completions carry no reasoning text
            assertThat(planned.get("llm").get("reasoning").asString()).contains("FINAL ANSWER: 400");
        }
        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task(marker))).getLast();
        assertThat(plan.body().path("response_format").path("type").asText()).isIn("json_schema", "json_object");
        assertThat(LLM.unmatched()).isEmpty();
    }

    /** platform.openai.com/docs/api-reference/chat/object: content, tool_calls with JSON-string arguments, usage. */
    @Test
    void openai_chat_completions() {
        conforms(ServerShape.OPENAI, calculator());
    }

    /** docs.vllm.ai/en/stable/features/reasoning_outputs: the reasoning parser's {@code reasoning} field. */
    @Test
    void vllm_with_a_reasoning_parser() {
        conforms(ServerShape.VLLM, calculator());
    }

    /**
     * docs.vllm.ai/en/stable/features/reasoning_outputs (without {@code --reasoning-parser} the think block stays in
     * the content) and docs.vllm.ai/en/stable/features/tool_calling (without {@code --enable-auto-tool-choice} and a
     * tool parser the model's Hermes-style {@code <tool_call>} stays in the content too).
     */
    @Test
    void vllm_without_a_reasoning_parser_or_a_tool_parser() {
        LLM.imitate(ServerShape.VLLM_WITHOUT_REASONING_PARSER);
        String marker = "Conformance VLLM_WITHOUT_PARSERS";
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.text("<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": "
                        + "\"17*23\"}}\n</tool_call>").withReasoning("The calculator gives the exact product."));
        script(marker, calculator());
        TestClient api = new TestClient(port, null);
        String id = api.post("/api/tasks", "{\"text\":\"" + marker + ": what is 17*23?\"}").json().get("id")
                .asString();

        JsonNode task = api.awaitTask(id);

        assertThat(task.get("answer").asString()).as(task.toString()).isEqualTo("391");
        JsonNode called = null;
        for (JsonNode s : api.get("/api/tasks/" + id + "/steps").json()) {
            called = s.get("type").asString().equals("tool_called") ? s : called;
        }
        assertThat(called.get("dialect").asString()).isEqualTo("hermes");
        assertThat(called.get("llm").get("reasoning").asString()).isEqualTo("The calculator gives the exact product.");
    }

    /** github.com/ggml-org/llama.cpp tools/server/README.md: {@code reasoning_content} with {@code --jinja}. */
    @Test
    void llama_cpp_server() {
        conforms(ServerShape.LLAMA_CPP, calculator());
    }

    /** github.com/ollama/ollama docs/openai.md: {@code /v1/chat/completions}, thinking in {@code reasoning}. */
    @Test
    void ollama_openai_compatibility() {
        conforms(ServerShape.OLLAMA, calculator());
    }

    /**
     * lmstudio.ai/docs/developer/openai-compat and lmstudio.ai/docs/advanced/structured-output: reasoning in
     * {@code reasoning_content}, structured output only as {@code json_schema} (asked for first, so never refused).
     */
    @Test
    void lm_studio() {
        conforms(ServerShape.LM_STUDIO, calculator());
        assertThat(LLM.requests(Match.interaction("plan"))).allSatisfy(r ->
                assertThat(r.body().at("/response_format/type").asText()).isEqualTo("json_schema"));
    }

    /**
     * api-docs.deepseek.com/guides/reasoning_model ({@code reasoning_content}) and /guides/json_mode (JSON output as
     * {@code json_object}): {@code json_schema} is refused once, then {@code json_object} is asked for.
     */
    @Test
    @Order(Integer.MAX_VALUE) // its refusal of json_schema is remembered for the endpoint and model: it runs last
    void deepseek_api() {
        conforms(ServerShape.DEEPSEEK, calculator());
        assertThat(LLM.requests(Match.interaction("replan"))).allSatisfy(r ->
                assertThat(r.body().at("/response_format/type").asText()).isEqualTo("json_object"));
    }

    /**
     * Streamed replies (platform.openai.com/docs/api-reference/chat-streaming, {@code stream_options.include_usage}:
     * usage in a last chunk with empty {@code choices}), as OpenAI, vLLM and Ollama stream them (reasoning in delta
     * fields, tool calls in pieces), through the agent built with a streaming role.
     */
    @Test
    void streamed_replies_of_openai_vllm_and_ollama() {
        ModelSettings.Role streaming = new ModelSettings.Role("openai", LLM.baseUrl(), "k", "conformance-stream",
                Duration.ofSeconds(10), 0, null, null, null, null, null, null, true);
        for (ServerShape shape : List.of(ServerShape.OPENAI, ServerShape.VLLM, ServerShape.OLLAMA)) {
            LLM.reset();
            LLM.imitate(shape);
            String marker = "Streamed " + shape;
            script(marker, calculator());
            List<Step> steps = new CopyOnWriteArrayList<>();

            Outcome outcome = agents.withModels(Models.of(streaming, streaming, streaming)).run(TaskSpec.of(
                    UUID.randomUUID().toString(), "default", marker + ": what is 17*23?").withMemoryMode(MemoryMode.OFF), steps::add);

            assertThat(outcome).as(shape + ": " + steps).isInstanceOfSatisfying(Outcome.Answered.class,
                    a -> assertThat(a.answer()).isEqualTo("391"));
            assertThat(LLM.requests(Match.any())).allSatisfy(r -> {
                assertThat(r.body().path("stream").asBoolean()).isTrue();
                assertThat(r.body().at("/stream_options/include_usage").asBoolean()).isTrue();
            });
            assertThat(steps).filteredOn(Step.ToolReturned.class::isInstance).singleElement()
                    .satisfies(s -> assertThat(((Step.ToolReturned) s).result()).isEqualTo("391"));
            assertThat(steps).filteredOn(Step.Planned.class::isInstance)
                    .allSatisfy(s -> assertThat(((Step.Planned) s).llm().tokensEstimated()).isFalse());
            if (shape != ServerShape.OPENAI) {
                assertThat(((Step.Planned) steps.stream().filter(Step.Planned.class::isInstance).findFirst()
                        .orElseThrow()).llm().reasoning()).contains("FINAL ANSWER: 400");
            }
        }
    }
}
