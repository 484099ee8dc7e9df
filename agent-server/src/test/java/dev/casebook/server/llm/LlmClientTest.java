package dev.casebook.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real LangChain4j OpenAI client against the scripted server: retries, failures, tokens, interaction names. */
class LlmClientTest {
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();

    @AfterEach
    void close() {
        llm.close();
    }

    private LlmClient client(int maxRetries, Duration timeout) {
        return LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "test-key", "test-model",
                timeout, maxRetries, Duration.ofMillis(10)));
    }

    private static LlmCall call(String interaction, Duration within) {
        return new LlmCall(interaction, List.of(SystemMessage.from("You plan."), UserMessage.from("What is 17*23?")),
                List.of(), Instant.now().plus(within));
    }

    @Test
    void returns_the_reply_with_its_token_usage_and_names_the_interaction() throws Exception {
        llm.fixedUsage(120, 30).when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\":[]}"));

        LlmReply reply = client(0, Duration.ofSeconds(5)).chat(call("plan", Duration.ofSeconds(10)));

        assertThat(reply.text()).isEqualTo("{\"subtasks\":[]}");
        assertThat(reply.inputTokens()).isEqualTo(120);
        assertThat(reply.outputTokens()).isEqualTo(30);
        assertThat(reply.tokens()).isEqualTo(150);
        assertThat(reply.attempts()).isEqualTo(1);
        var request = llm.requests(Match.any()).getFirst();
        assertThat(request.header("Authorization")).isEqualTo("Bearer test-key");
        assertThat(request.model()).isEqualTo("test-model");
        assertThat(request.systemPrompt()).isEqualTo("You plan.");
    }

    @Test
    void retries_a_429_and_then_succeeds() throws Exception {
        llm.when(Match.any()).reply(Reply.rateLimited(), Reply.text("after the rate limit"));

        LlmReply reply = client(3, Duration.ofSeconds(5)).chat(call("plan", Duration.ofSeconds(10)));

        assertThat(reply.text()).isEqualTo("after the rate limit");
        assertThat(reply.attempts()).isEqualTo(2);
        assertThat(llm.requests(Match.any())).hasSize(2);
    }

    @Test
    void retries_server_errors_and_time_outs() throws Exception {
        llm.when(Match.any()).reply(Reply.serverError(), Reply.hang(), Reply.status(503, "busy"), Reply.text("ok"));

        // each attempt may take 3 s: only the hanging one runs out of it, even on a loaded machine
        LlmReply reply = client(3, Duration.ofSeconds(3)).chat(call("plan", Duration.ofSeconds(60)));

        assertThat(reply.text()).isEqualTo("ok");
        assertThat(reply.attempts()).isEqualTo(4);
    }

    @Test
    void fails_clearly_when_retries_are_spent() {
        llm.when(Match.any()).reply(Reply.rateLimited());

        assertThatThrownBy(() -> client(2, Duration.ofSeconds(5)).chat(call("execute", Duration.ofSeconds(10))))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.UNAVAILABLE);
                    assertThat(e.kind().reason()).isEqualTo("llm_unavailable");
                    assertThat(e.attempts()).isEqualTo(3);
                })
                .hasMessageStartingWith("the planner LLM (test-model at " + llm.baseUrl()
                        + ") gave no reply to 'execute' after 3 attempts; last error: HTTP 429");
        assertThat(llm.requests(Match.any())).hasSize(3);
    }

    @Test
    void does_not_retry_a_refused_request() {
        llm.when(Match.any()).reply(Reply.status(401, "invalid api key"));

        assertThatThrownBy(() -> client(3, Duration.ofSeconds(5)).chat(call("plan", Duration.ofSeconds(10))))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.REJECTED))
                .hasMessageContaining("refused the 'plan' request")
                .hasMessageContaining("invalid api key");
        assertThat(llm.requests(Match.any())).hasSize(1);
    }

    @Test
    void gives_up_at_the_deadline_even_when_the_server_hangs() {
        llm.when(Match.any()).reply(Reply.hang());

        assertThatThrownBy(() -> client(3, Duration.ofSeconds(60)).chat(call("plan", Duration.ofMillis(400))))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.DEADLINE);
                    assertThat(e.kind().reason()).isEqualTo("budget_time");
                });
    }

    @Test
    void an_interrupt_cancels_a_hanging_call() throws Exception {
        llm.when(Match.any()).reply(Reply.hang());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                client(0, Duration.ofSeconds(60)).chat(call("plan", Duration.ofSeconds(60)));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertThat(llm.awaitRequests(1, Duration.ofSeconds(120))).isTrue();

        caller.interrupt();
        caller.join(Duration.ofSeconds(120));

        assertThat(caller.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void passes_tools_and_returns_tool_calls_verbatim_even_when_malformed() throws Exception {
        llm.when(Match.offersTool("calculator")).reply(Reply.malformedToolCall("calculator"));
        ToolSpecification calculator = ToolSpecification.builder().name("calculator")
                .parameters(JsonObjectSchema.builder().addStringProperty("expression").build()).build();

        LlmReply reply = client(0, Duration.ofSeconds(5)).chat(new LlmCall("execute",
                List.of(UserMessage.from("compute")), List.of(calculator), Instant.now().plusSeconds(10)));

        assertThat(reply.message().hasToolExecutionRequests()).isTrue();
        var request = reply.message().toolExecutionRequests().getFirst();
        assertThat(request.name()).isEqualTo("calculator");
        assertThat(request.arguments()).isEqualTo("{\"expression\": \"2+2\", ");
    }

    @Test
    void ollama_is_reached_through_its_openai_compatible_endpoint() throws Exception {
        var ollama = new ModelSettings.Role("ollama", null, null, "llama3.2", null, null, null);
        assertThat(ollama.effectiveBaseUrl()).isEqualTo("http://localhost:11434/v1");
        llm.when(Match.any()).reply(Reply.text("hi from ollama"));
        var local = new ModelSettings.Role("ollama", llm.baseUrl(), null, "llama3.2", null, 0, null);

        LlmReply reply = LlmClient.of(ModelRole.PLANNER, local).chat(call("plan", Duration.ofSeconds(10)));

        assertThat(reply.text()).isEqualTo("hi from ollama");
        assertThat(llm.requests(Match.any()).getFirst().header("Authorization")).isEqualTo("Bearer ollama");
    }

    @Test
    void concurrent_calls_do_not_wait_for_each_other() throws Exception {
        llm.when(Match.any()).reply(Reply.text("slow").after(Duration.ofMillis(300)));
        LlmClient client = client(0, Duration.ofSeconds(30));

        List<CompletableFuture<LlmReply>> replies = IntStream.range(0, 40)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.chat(call("plan", Duration.ofSeconds(30)));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, Executors.newVirtualThreadPerTaskExecutor())).toList();

        for (CompletableFuture<LlmReply> reply : replies) {
            assertThat(reply.get().text()).isEqualTo("slow");
        }
    }
}
