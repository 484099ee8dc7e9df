package dev.casebook.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ServerShape;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What real servers reply, through the real LangChain4j client: reasoning, formats, truncation, limits, dialects. */
class LlmClientShapesTest {
    private static final JsonSchema SCHEMA = JsonSchema.builder().name("plan")
            .rootElement(JsonObjectSchema.builder().addStringProperty("answer").build()).build();
    private static final ToolSpecification CALCULATOR = ToolSpecification.builder().name("calculator")
            .parameters(JsonObjectSchema.builder().addStringProperty("expression").build()).build();

    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    /** A model name of its own, so that what one test teaches the endpoint's capabilities stays in that test. */
    private final String model = "m-" + UUID.randomUUID();

    @AfterEach
    void close() {
        llm.close();
    }

    private LlmClient client(StructuredOutput format, Integer maxTokens, Integer retryMaxTokens, boolean stream,
            boolean keepReasoning) {
        return LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "k", model,
                Duration.ofSeconds(5), 0, Duration.ofMillis(10), keepReasoning, format, maxTokens, retryMaxTokens,
                null, stream));
    }

    private LlmClient client() {
        return client(null, null, null, false, true);
    }

    private static LlmCall json(String interaction) {
        return LlmCall.json(interaction, List.of(UserMessage.from("What is 2+2?")), Instant.now().plusSeconds(20),
                SCHEMA);
    }

    private static LlmCall tools() {
        return new LlmCall("execute", List.of(UserMessage.from("compute")), List.of(CALCULATOR),
                Instant.now().plusSeconds(20));
    }

    @Test
    void splits_reasoning_from_a_field_and_from_a_think_block_and_keeps_it_out_of_the_text() throws Exception {
        llm.when(Match.lastUserMessageContains("2+2")).reply(
                Reply.text("{\"answer\": \"4\"}").withReasoningIn("reasoning", "two and two"),
                Reply.text("<think>It seems {\"answer\": \"5\"}? FINAL ANSWER: 5</think>\n{\"answer\": \"4\"}"));

        LlmReply field = client().chat(json("plan"));
        LlmReply inline = client().chat(json("plan"));

        assertThat(field.text()).isEqualTo("{\"answer\": \"4\"}");
        assertThat(field.reasoning()).isEqualTo("two and two");
        assertThat(inline.text()).isEqualTo("{\"answer\": \"4\"}");
        assertThat(inline.reasoning()).contains("FINAL ANSWER: 5");
        assertThat(inline.usage().reasoning()).isPositive();
    }

    @Test
    void keep_reasoning_false_drops_it_from_the_reply_but_counts_its_tokens() throws Exception {
        llm.when(Match.any()).reply(Reply.text("{\"answer\": \"4\"}").withReasoning("long thoughts"));

        LlmReply reply = client(null, null, null, false, false).chat(json("plan"));

        assertThat(reply.reasoning()).isEmpty();
        assertThat(reply.usage().reasoning()).isPositive();
    }

    @Test
    void asks_json_schema_then_falls_back_once_when_the_endpoint_refuses_and_remembers_it() throws Exception {
        llm.imitate(ServerShape.DEEPSEEK).when(Match.any()).reply(Reply.text("{\"answer\": \"4\"}"));

        client().chat(json("plan"));
        client().chat(json("replan"));

        List<String> formats = llm.requests(Match.any()).stream()
                .map(r -> r.body().path("response_format").path("type").asText("none")).toList();
        assertThat(formats).containsExactly("json_schema", "json_object", "json_object");
        assertThat(llm.requests(Match.any()).getFirst().body().at("/response_format/json_schema/name").asText())
                .isEqualTo("plan");
        EndpointCapabilities capabilities = EndpointCapabilities.of(llm.baseUrl(), model);
        assertThat(capabilities.support(EndpointCapabilities.Feature.JSON_SCHEMA))
                .isEqualTo(EndpointCapabilities.Support.REFUSED);
        assertThat(capabilities.support(EndpointCapabilities.Feature.JSON_OBJECT))
                .isEqualTo(EndpointCapabilities.Support.ACCEPTED);
    }

    @Test
    void lm_studio_refuses_json_object_and_none_is_sent_after_both_are_refused() throws Exception {
        llm.refuseResponseFormat("json_schema", "json_object").when(Match.any()).reply(Reply.text("{}"));

        client().chat(json("plan"));
        client().chat(json("plan"));

        assertThat(llm.requests(Match.any())).extracting(r -> r.body().path("response_format").path("type")
                .asText("none")).containsExactly("json_schema", "json_object", "none", "none");
    }

    @Test
    void a_configured_format_that_is_refused_fails_clearly_and_none_sends_no_format() throws Exception {
        llm.imitate(ServerShape.LM_STUDIO).when(Match.any()).reply(Reply.text("{}"));

        assertThatThrownBy(() -> client(StructuredOutput.JSON_OBJECT, null, null, false, true).chat(json("plan")))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                        .isEqualTo(LlmException.Kind.REJECTED))
                .hasMessageContaining("must be 'json_schema' or 'text'")
                .hasMessageContaining("structured-output is json-object");
        client(StructuredOutput.NONE, null, null, false, true).chat(json("plan"));
        assertThat(llm.requests(Match.any()).getLast().body().has("response_format")).isFalse();
    }

    @Test
    void a_truncated_reply_is_never_complete_and_is_asked_again_once_with_retry_max_tokens() throws Exception {
        llm.when(Match.any()).reply(Reply.text("<think>Let me see, the plan is {\"answer\"").truncated(),
                Reply.text("{\"answer\": \"4\"}"));

        LlmReply reply = client(null, 256, 2048, false, true).chat(json("plan"));

        assertThat(reply.text()).isEqualTo("{\"answer\": \"4\"}");
        assertThat(llm.requests(Match.any())).extracting(r -> r.body().path("max_tokens").asInt())
                .containsExactly(256, 2048);
        assertThat(reply.attempts()).isEqualTo(2);
    }

    @Test
    void a_truncated_reply_without_retry_max_tokens_fails_truncated_with_its_tokens() {
        llm.when(Match.any()).reply(Reply.text("<think>and then").truncated());

        assertThatThrownBy(() -> client().chat(json("plan")))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.TRUNCATED);
                    assertThat(e.kind().reason()).isEqualTo("truncated");
                    assertThat(e.spent().total()).isPositive();
                })
                .hasMessageContaining("finish_reason: length")
                .hasMessageContaining("retry-max-tokens");
    }

    @Test
    void recognises_the_context_window_error_of_every_server_and_never_retries_it() {
        for (ServerShape shape : ServerShape.values()) {
            llm.reset();
            llm.when(Match.any()).reply(Reply.contextWindowExceeded(shape));
            LlmClient retrying = LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "k",
                    model, Duration.ofSeconds(5), 3, Duration.ofMillis(10)));

            assertThatThrownBy(() -> retrying.chat(json("plan"))).as(shape.name())
                    .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind())
                            .isEqualTo(LlmException.Kind.CONTEXT_WINDOW))
                    .hasMessageContaining("does not fit the context window");
            assertThat(llm.requests(Match.any())).as(shape.name()).hasSize(1);
        }
    }

    @Test
    void a_llama_cpp_context_error_sent_as_a_500_is_not_retried_either() {
        llm.when(Match.any()).reply(Reply.error(500,
                "{\"error\":{\"code\":500,\"message\":\"Context size has been exceeded.\",\"type\":\"server_error\"}}"));
        LlmClient retrying = LlmClient.of(ModelRole.PLANNER, new ModelSettings.Role("openai", llm.baseUrl(), "k", model,
                Duration.ofSeconds(5), 3, Duration.ofMillis(10)));

        assertThatThrownBy(() -> retrying.chat(json("plan"))).isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.CONTEXT_WINDOW));
        assertThat(llm.requests(Match.any())).hasSize(1);
    }

    @Test
    void estimates_usage_when_the_endpoint_sends_none_and_says_so() throws Exception {
        llm.when(Match.any()).reply(Reply.text("{\"answer\": \"4\"}").withoutUsage());

        LlmReply reply = client().chat(json("plan"));

        assertThat(reply.tokensEstimated()).isTrue();
        assertThat(reply.inputTokens()).isPositive();
        assertThat(reply.outputTokens()).isPositive();
    }

    @Test
    void streams_with_usage_from_the_last_chunk_and_reasoning_from_the_deltas() throws Exception {
        llm.imitate(ServerShape.VLLM).when(Match.any()).reply(
                Reply.toolCall("calculator", "{\"expression\": \"2+2\"}").withReasoning("use the tool"));

        LlmReply reply = client(null, null, null, true, true).chat(tools());

        assertThat(llm.requests(Match.any()).getFirst().body().path("stream").asBoolean()).isTrue();
        assertThat(llm.requests(Match.any()).getFirst().body().at("/stream_options/include_usage").asBoolean())
                .isTrue();
        assertThat(reply.message().toolExecutionRequests()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("calculator");
            assertThat(call.arguments()).isEqualTo("{\"expression\": \"2+2\"}");
        });
        assertThat(reply.reasoning()).isEqualTo("use the tool");
        assertThat(reply.tokensEstimated()).isFalse();
        assertThat(reply.inputTokens()).isPositive();
    }

    @Test
    void reads_tool_call_arguments_sent_as_an_object_and_several_calls_in_one_reply() throws Exception {
        llm.when(Match.any()).reply(Reply.toolCalls(
                Reply.ToolCall.withObjectArguments("calculator", "{\"expression\": \"1+1\"}"),
                new Reply.ToolCall("calculator", "{\"expression\": \"2+2\"}")));

        LlmReply reply = client().chat(tools());

        assertThat(reply.toolCallDialect()).isEqualTo("native");
        assertThat(reply.message().toolExecutionRequests()).extracting(r -> r.arguments())
                .containsExactly("{\"expression\":\"1+1\"}", "{\"expression\": \"2+2\"}");
    }

    @Test
    void reads_tool_calls_the_server_left_in_the_text_in_each_dialect() throws Exception {
        llm.when(Match.any()).reply(
                Reply.text("<think>I should call it</think><tool_call>\n{\"name\": \"calculator\", \"arguments\": "
                        + "{\"expression\": \"6*7\"}}\n</tool_call>"),
                Reply.text("[TOOL_CALLS][{\"name\": \"calculator\", \"arguments\": {\"expression\": \"6*7\"}}]"),
                Reply.text("<|python_tag|>{\"name\": \"calculator\", \"parameters\": {\"expression\": \"6*7\"}}"),
                Reply.text("{\"name\": \"calculator\", \"arguments\": {\"expression\": \"6*7\"}}"));

        for (String dialect : List.of("hermes", "mistral", "llama3", "json")) {
            LlmReply reply = client().chat(tools());
            assertThat(reply.toolCallDialect()).isEqualTo(dialect);
            assertThat(reply.message().toolExecutionRequests()).singleElement().satisfies(call -> {
                assertThat(call.name()).isEqualTo("calculator");
                assertThat(call.arguments()).isEqualTo("{\"expression\":\"6*7\"}");
                assertThat(call.id()).isNotBlank();
            });
        }
    }

    @Test
    void a_reply_in_json_without_tools_offered_is_text_not_a_call() throws Exception {
        llm.when(Match.any()).reply(Reply.text("{\"name\": \"calculator\", \"arguments\": {}}"));

        LlmReply reply = client().chat(json("plan"));

        assertThat(reply.hasToolCalls()).isFalse();
        assertThat(reply.text()).startsWith("{\"name\"");
    }
}
