package dev.casebook.systemtest.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Casebook as a model to real OpenAI clients: the built server as a process, the official OpenAI JavaScript SDK (npm
 * {@code openai}, through node) and LangChain4j's {@code OpenAiChatModel} / {@code OpenAiStreamingChatModel} pointed at
 * its {@code /v1}, the scripted LLM as the only fake behind it. Whole and streamed completions, the model list, a bad
 * key, feedback through the completion id reaching the case, memory across conversations, and tenancy.
 */
class OpenAiClientsIT {
    private static final String KEY_A = "openai-clients-key-acme";
    private static final String KEY_B = "openai-clients-key-globex";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ScriptedLlmServer llm;
    private static ServerProcess server;

    @BeforeAll
    static void start() throws Exception {
        NodeOpenAiClient.sdk(); // fails at once, saying what to run, when the SDK is not installed
        llm = ScriptedLlmServer.start();
        server = ServerProcess.builder("openai-clients")
                .property("casebook.security.enabled", "true")
                .property("casebook.security.api-keys[0].tenant", "acme")
                .property("casebook.security.api-keys[0].sha256", sha256(KEY_A))
                .property("casebook.security.api-keys[1].tenant", "globex")
                .property("casebook.security.api-keys[1].sha256", sha256(KEY_B))
                .property("casebook.models.planner.base-url", llm.baseUrl())
                .property("casebook.models.planner.model", "scripted-planner")
                .property("casebook.models.planner.api-key", "test-key")
                .property("casebook.models.executor.model", "scripted-executor")
                .property("casebook.tools.code.enabled", "false")
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (llm != null) {
            llm.close();
        }
    }

    @BeforeEach
    void fresh() {
        llm.reset();
    }

    private static String v1() {
        return server.baseUrl() + "/v1";
    }

    /** Requests about the task whose first user message starts with a line containing {@code marker}. */
    private static Predicate<LlmRequest> task(String marker) {
        return request -> {
            for (JsonNode message : request.messages()) {
                if ("user".equals(message.path("role").asText())) {
                    return message.path("content").asText().lines().findFirst().orElse("").contains(marker);
                }
            }
            return false;
        };
    }

    /** A plan in prose around fenced JSON, a calculator call, its result, an answer after some reasoning. */
    private static void scriptCalculator(String marker, String expression, String result) {
        llm.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("""
                <think>One calculation answers this.</think>
                Here is the plan:
                ```json
                {"subtasks": ["Compute %s with the calculator"]}
                ```""".formatted(expression)));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"" + expression + "\"}"));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("Computed: " + expression + " = " + r.toolResults().getLast())));
        llm.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("Done. {\"answer\": \"FINAL ANSWER: " + result + "\"}"));
    }

    private static List<Map<String, String>> user(String text) {
        return List.of(Map.of("role", "user", "content", text));
    }

    @Test
    void the_openai_js_sdk_lists_models_completes_streams_fails_on_a_bad_key_and_gives_feedback() throws Exception {
        NodeOpenAiClient sdk = new NodeOpenAiClient(v1(), KEY_A);
        scriptCalculator("js sdk: 17*23", "17*23", "391");
        scriptCalculator("js sdk streams 6*7", "6*7", "42");

        JsonNode models = sdk.run("models", Map.of());
        assertThat(models.path("ids").toString()).contains("\"casebook\"").contains("\"casebook-embeddings\"");

        JsonNode whole = sdk.run("complete", Map.of("model", "casebook", "messages", List.of(
                Map.of("role", "system", "content", "Answer with the number only."),
                Map.of("role", "user", "content", "js sdk: 17*23 = ?"))));
        assertThat(whole.path("object").asText()).isEqualTo("chat.completion");
        assertThat(whole.path("content").asText()).isEqualTo("391");
        assertThat(whole.path("reasoning").asText()).contains("→ calculator");
        assertThat(whole.path("usage").path("total_tokens").asLong()).isPositive();
        String id = whole.path("id").asText();
        assertThat(whole.path("casebook").path("task_id").asText()).isEqualTo(id);
        assertThat(llm.requests(Match.interaction("plan").and(task("js sdk: 17*23"))).getFirst().systemPrompt())
                .contains("Answer with the number only.");

        JsonNode streamed = sdk.run("stream", Map.of("model", "casebook", "messages",
                user("js sdk streams 6*7, please")));
        List<String> order = new ArrayList<>();
        streamed.path("order").forEach(k -> order.add(k.asText()));
        assertThat(order).contains("reasoning", "content");
        assertThat(order.lastIndexOf("reasoning")).isLessThan(order.indexOf("content"));
        assertThat(streamed.path("reasoning").asText()).contains("Plan:").contains("← calculator: 42");
        assertThat(streamed.path("content").asText()).isEqualTo("42");
        assertThat(streamed.path("finish").asText()).isEqualTo("stop");
        assertThat(streamed.path("usage").path("total_tokens").asLong()).isPositive();

        JsonNode bad = sdk.run("badKey", Map.of("model", "casebook"));
        assertThat(bad.path("error").asText()).isEqualTo("AuthenticationError");
        assertThat(bad.path("authentication").asBoolean()).isTrue();
        assertThat(bad.path("status").asInt()).isEqualTo(401);
        assertThat(bad.path("message").asText()).contains("the API key is not known");

        JsonNode feedback = sdk.run("feedback", Map.of("completionId", id, "reward", 1));
        String caseId = whole.path("casebook").path("case_id").asText();
        assertThat(feedback.path("case_id").asText()).isEqualTo(caseId);
        JsonNode stored = json(get("/api/cases/" + caseId, KEY_A));
        assertThat(stored.path("reward").asDouble()).isEqualTo(1.0);
    }

    @Test
    void langchain4j_chat_models_complete_and_stream_against_casebook() throws Exception {
        scriptCalculator("langchain4j: 12*12", "12*12", "144");
        scriptCalculator("langchain4j streams 9*9", "9*9", "81");
        List<String> models = OpenAiModelCatalog.builder().baseUrl(v1()).apiKey(KEY_A).build().listModels().stream()
                .map(ModelDescription::name).toList();
        assertThat(models).contains("casebook", "casebook-similarity", "casebook-embeddings");

        OpenAiChatModel chat = OpenAiChatModel.builder().baseUrl(v1()).apiKey(KEY_A).modelName("casebook")
                .timeout(Duration.ofSeconds(120)).maxRetries(0).returnThinking(true).build();
        ChatResponse whole = chat.chat(SystemMessage.from("Be brief."), UserMessage.from("langchain4j: 12*12?"));
        assertThat(whole.aiMessage().text()).isEqualTo("144");
        assertThat(whole.aiMessage().thinking()).contains("Plan:");
        assertThat(whole.tokenUsage().totalTokenCount()).isPositive();
        String id = whole.metadata().id();
        JsonNode task = json(get("/api/tasks/" + id, KEY_A));
        assertThat(task.path("status").asText()).as("the completion id is the task id").isEqualTo("answered");
        HttpResponse<String> feedback = post("/api/tasks/" + id + "/feedback", "{\"reward\": 1}", KEY_A);
        assertThat(feedback.statusCode()).isEqualTo(200);
        assertThat(json(get("/api/cases/" + task.path("caseId").asText(), KEY_A)).path("reward").asDouble())
                .isEqualTo(1.0);

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(v1()).apiKey(KEY_A)
                .modelName("casebook").timeout(Duration.ofSeconds(120)).returnThinking(true).build();
        List<String> order = new CopyOnWriteArrayList<>();
        StringBuilder thinking = new StringBuilder();
        StringBuilder content = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(List.of(UserMessage.from("langchain4j streams 9*9 for me")), new StreamingChatResponseHandler() {
            @Override
            public void onPartialThinking(PartialThinking partial) {
                order.add("reasoning");
                thinking.append(partial.text());
            }

            @Override
            public void onPartialResponse(String partial) {
                if (!partial.isEmpty()) {
                    order.add("content");
                    content.append(partial);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(120, TimeUnit.SECONDS);
        assertThat(streamed.aiMessage().text()).isEqualTo("81");
        assertThat(content.toString()).isEqualTo("81");
        assertThat(thinking.toString()).contains("→ calculator").contains("← calculator: 81");
        assertThat(order.lastIndexOf("reasoning")).isLessThan(order.indexOf("content"));

        OpenAiChatModel badKey = OpenAiChatModel.builder().baseUrl(v1()).apiKey("not-a-casebook-key")
                .modelName("casebook").maxRetries(0).build();
        assertThatThrownBy(() -> badKey.chat("hi")).isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("the API key is not known");
    }

    @Test
    void a_second_conversation_selects_the_case_of_the_first_and_another_tenant_never_sees_it() throws Exception {
        scriptCalculator("legs of three spiders", "3*8", "24");
        scriptCalculator("legs do five spiders", "5*8", "40");
        OpenAiChatModel acme = OpenAiChatModel.builder().baseUrl(v1()).apiKey(KEY_A).modelName("casebook")
                .timeout(Duration.ofSeconds(120)).maxRetries(0).build();
        ChatResponse first = acme.chat(UserMessage.from(
                "A spider has eight legs. How many legs of three spiders are there together?"));
        assertThat(first.aiMessage().text()).isEqualTo("24");
        String caseId = json(get("/api/tasks/" + first.metadata().id(), KEY_A)).path("caseId").asText();
        assertThat(caseId).isNotBlank();

        ChatResponse second = acme.chat(UserMessage.from(
                "Spiders have 8 legs each: how many legs do five spiders have?"));
        assertThat(second.aiMessage().text()).isEqualTo("40");
        List<String> selected = new ArrayList<>();
        json(get("/api/tasks/" + second.metadata().id(), KEY_A)).path("selected")
                .forEach(s -> selected.add(s.path("caseId").asText()));
        assertThat(selected).as("memory works through /v1").contains(caseId);

        OpenAiChatModel globex = OpenAiChatModel.builder().baseUrl(v1()).apiKey(KEY_B).modelName("casebook")
                .timeout(Duration.ofSeconds(120)).maxRetries(0).build();
        ChatResponse theirs = globex.chat(UserMessage.from(
                "Spiders have 8 legs each: how many legs do five spiders have?"));
        assertThat(json(get("/api/tasks/" + theirs.metadata().id(), KEY_B)).path("selected").isEmpty())
                .as("globex is shown none of acme's cases").isTrue();
        assertThat(llm.requests(Match.interaction("plan").and(task("legs do five spiders"))).getLast()
                .lastUserMessage()).doesNotContain("three spiders");
        assertThat(get("/api/tasks/" + first.metadata().id(), KEY_B).statusCode()).isEqualTo(404);
        HttpResponse<String> feedback = post("/v1/feedback", "{\"completion_id\": \"" + first.metadata().id()
                + "\", \"reward\": 0}", KEY_B);
        assertThat(feedback.statusCode()).isEqualTo(404);
        assertThat(json(feedback).path("error").path("type").asText()).isEqualTo("not_found_error");
    }

    private static HttpResponse<String> get(String path, String key) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + key).GET());
    }

    private static HttpResponse<String> post(String path, String body, String key) {
        return server.send(HttpRequest.newBuilder(server.uri(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
