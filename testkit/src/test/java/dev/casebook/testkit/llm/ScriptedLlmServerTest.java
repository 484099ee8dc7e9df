package dev.casebook.testkit.llm;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptedLlmServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();

    @AfterEach
    void close() {
        llm.close();
    }

    @Test
    void answers_a_matching_request_with_text_and_usage() throws Exception {
        llm.when(Match.lastUserMessageContains("17*23")).reply(Reply.text("FINAL ANSWER: 391"));

        HttpResponse<String> response = chat(body("system prompt", "What is 17*23?", false));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.at("/choices/0/message/content").asText()).isEqualTo("FINAL ANSWER: 391");
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json.at("/usage/prompt_tokens").asInt()).isPositive();
        assertThat(json.at("/usage/completion_tokens").asInt()).isPositive();
        assertThat(json.at("/usage/total_tokens").asInt())
                .isEqualTo(json.at("/usage/prompt_tokens").asInt() + json.at("/usage/completion_tokens").asInt());
    }

    @Test
    void records_every_request_parsed() throws Exception {
        llm.when(Match.any()).reply(Reply.text("ok"));

        chat(body("You are the planner.", "plan this", true));

        LlmRequest request = llm.requests(Match.any()).getFirst();
        assertThat(request.systemPrompt()).isEqualTo("You are the planner.");
        assertThat(request.lastUserMessage()).isEqualTo("plan this");
        assertThat(request.hasTools()).isTrue();
        assertThat(request.toolNames()).containsExactly("calculator");
        assertThat(request.model()).isEqualTo("m");
        assertThat(request.header("Authorization")).isEqualTo("Bearer key");
    }

    @Test
    void replies_with_tool_calls_including_malformed_arguments_and_unknown_names() throws Exception {
        llm.when(Match.lastUserMessageContains("first"))
                .reply(Reply.toolCall("calculator", "{\"expression\":\"17*23\"}"));
        llm.when(Match.lastUserMessageContains("second")).reply(Reply.malformedToolCall("calculator"));
        llm.when(Match.lastUserMessageContains("third")).reply(Reply.toolCall("teleport", "{}"));

        JsonNode first = JSON.readTree(chat(body("s", "first", true)).body());
        JsonNode second = JSON.readTree(chat(body("s", "second", true)).body());
        JsonNode third = JSON.readTree(chat(body("s", "third", true)).body());

        assertThat(first.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(first.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("calculator");
        assertThat(first.at("/choices/0/message/tool_calls/0/function/arguments").asText())
                .isEqualTo("{\"expression\":\"17*23\"}");
        assertThat(first.at("/choices/0/message/tool_calls/0/id").asText()).startsWith("call_");
        String malformed = second.at("/choices/0/message/tool_calls/0/function/arguments").asText();
        assertThatThrownBy(() -> JSON.readTree(malformed)).isInstanceOf(Exception.class);
        assertThat(third.at("/choices/0/message/tool_calls/0/function/name").asText()).isEqualTo("teleport");
    }

    @Test
    void limited_rule_gives_way_to_the_next_one() throws Exception {
        llm.when(Match.any()).times(1).reply(Reply.rateLimited());
        llm.when(Match.any()).reply(Reply.text("after the 429"));

        HttpResponse<String> first = chat(body("s", "u", false));
        HttpResponse<String> second = chat(body("s", "u", false));

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(first.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).at("/choices/0/message/content").asText()).isEqualTo("after the 429");
    }

    @Test
    void a_rule_gives_its_replies_in_turn_and_repeats_the_last() throws Exception {
        llm.when(Match.any()).reply(Reply.serverError(), Reply.text("one"), Reply.text("two"));

        List<Integer> statuses = new ArrayList<>();
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = chat(body("s", "u", false));
            statuses.add(response.statusCode());
            contents.add(JSON.readTree(response.body()).at("/choices/0/message/content").asText(""));
        }

        assertThat(statuses).containsExactly(500, 200, 200, 200);
        assertThat(contents).containsExactly("", "one", "two", "two");
    }

    @Test
    void unmatched_request_fails_loudly_and_is_listed() throws Exception {
        llm.when(Match.interaction("plan")).reply(Reply.text("never"));

        HttpResponse<String> response = chat(body("s", "nobody scripted this", false));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText())
                .startsWith("ScriptedLlmServer: no rule matched request #0")
                .contains("nobody scripted this");
        assertThat(llm.unmatched()).hasSize(1);
    }

    @Test
    void finds_the_interaction_name_in_header_metadata_or_system_prompt() throws Exception {
        llm.when(Match.interaction("plan")).reply(Reply.text("plan reply"));
        llm.when(Match.interaction("execute")).reply(Reply.text("execute reply"));
        llm.when(Match.interaction("answer")).reply(Reply.text("answer reply"));

        HttpRequest byHeader = request(body("s", "u", false)).header("X-Casebook-Interaction", "plan").build();
        String withMetadata = "{\"model\":\"m\",\"metadata\":{\"interaction\":\"execute\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}";
        String withSystemLine = body("[interaction: answer]\nYou answer.", "u", false);

        assertThat(content(http.send(byHeader, HttpResponse.BodyHandlers.ofString()))).isEqualTo("plan reply");
        assertThat(content(chat(withMetadata))).isEqualTo("execute reply");
        assertThat(content(chat(withSystemLine))).isEqualTo("answer reply");
    }

    @Test
    void a_hanging_reply_makes_the_client_time_out() throws Exception {
        llm.when(Match.any()).reply(Reply.hang());

        HttpRequest request = request(body("s", "u", false)).timeout(Duration.ofMillis(300)).build();

        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(llm.requests(Match.any())).hasSize(1);
    }

    @Test
    void held_replies_do_not_block_each_other_and_are_sent_when_the_gate_opens() throws Exception {
        Gate gate = new Gate();
        llm.when(Match.any()).reply(Reply.text("slow").heldBy(gate));

        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(pool.submit(() -> chat(body("s", "u", false))));
            }
            eventually("all 50 replies held at once", Duration.ofSeconds(60), gate::waiting, n -> n >= 50);
            assertThat(gate.waiting()).as("all 50 replies are held at once").isEqualTo(50);
            assertThat(futures).noneMatch(Future::isDone);

            gate.open();
            for (Future<HttpResponse<String>> future : futures) {
                assertThat(content(future.get())).isEqualTo("slow");
            }
        }
        assertThat(llm.requests(Match.any())).hasSize(50);
    }

    @Test
    void a_held_reply_is_dropped_without_an_answer_when_the_server_closes() throws Exception {
        Gate gate = new Gate();
        llm.when(Match.any()).reply(Reply.text("never").heldBy(gate));

        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<HttpResponse<String>> call = pool.submit(() -> chat(body("s", "u", false)));
            assertThat(llm.awaitRequests(1, Duration.ofSeconds(60))).isTrue();
            llm.close();
            assertThatThrownBy(call::get).hasCauseInstanceOf(IOException.class);
        }
    }

    @Test
    void dynamic_reply_sees_the_request() throws Exception {
        llm.when(Match.any()).reply(Reply.dynamic(request -> Reply.text("echo: " + request.lastUserMessage())));

        assertThat(content(chat(body("s", "hello", false)))).isEqualTo("echo: hello");
    }

    @Test
    void fixed_usage_replaces_the_estimate() throws Exception {
        llm.fixedUsage(1000, 7).when(Match.any()).reply(Reply.text("x"));

        JsonNode json = JSON.readTree(chat(body("s", "u", false)).body());

        assertThat(json.at("/usage/prompt_tokens").asInt()).isEqualTo(1000);
        assertThat(json.at("/usage/completion_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void lists_one_model_with_the_context_window_when_told() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(llm.baseUrl() + "/models")).GET().build();

        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        llm.contextWindow(8192);
        HttpResponse<String> sized = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).at("/data/0/id").asText()).isEqualTo(ScriptedLlmServer.MODEL);
        assertThat(JSON.readTree(response.body()).at("/data/0/max_model_len").isMissingNode()).isTrue();
        assertThat(JSON.readTree(sized.body()).at("/data/0/max_model_len").asInt()).isEqualTo(8192);
    }

    @Test
    void streams_reasoning_text_and_tool_call_deltas_then_usage_in_a_last_chunk_with_empty_choices() throws Exception {
        llm.when(Match.any()).reply(Reply.toolCall("calculator", "{\"expression\": \"17*23\"}")
                .withContent("Let me compute.").withReasoning("I need the calculator."));

        HttpResponse<String> response = chat("{\"model\":\"m\",\"stream\":true,\"stream_options\":"
                + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}");

        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        List<JsonNode> chunks = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                chunks.add(JSON.readTree(line.substring(6)));
            }
        }
        assertThat(response.body().strip()).endsWith("data: [DONE]");
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        for (JsonNode chunk : chunks) {
            JsonNode delta = chunk.at("/choices/0/delta");
            reasoning.append(delta.path("reasoning_content").asText(""));
            content.append(delta.path("content").asText(""));
            arguments.append(delta.at("/tool_calls/0/function/arguments").asText(""));
        }
        assertThat(reasoning).hasToString("I need the calculator.");
        assertThat(content).hasToString("Let me compute.");
        assertThat(arguments).hasToString("{\"expression\": \"17*23\"}");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.at("/usage/total_tokens").asInt()).isPositive();
    }

    @Test
    void sends_reasoning_where_the_imitated_server_does_and_leaves_out_usage_when_told() throws Exception {
        llm.when(Match.any()).reply(Reply.text("{\"answer\": \"4\"}").withReasoning("2+2 is 4").withoutUsage());

        llm.imitate(ServerShape.OLLAMA);
        JsonNode ollama = JSON.readTree(chat(body("s", "u", false)).body());
        llm.imitate(ServerShape.VLLM_WITHOUT_REASONING_PARSER);
        JsonNode inline = JSON.readTree(chat(body("s", "u", false)).body());

        assertThat(ollama.at("/choices/0/message/reasoning").asText()).isEqualTo("2+2 is 4");
        assertThat(ollama.has("usage")).isFalse();
        assertThat(inline.at("/choices/0/message/content").asText())
                .isEqualTo("<think>\n2+2 is 4\n</think>\n\n{\"answer\": \"4\"}");
    }

    @Test
    void sends_truncated_replies_object_arguments_and_server_error_bodies() throws Exception {
        llm.when(Match.lastUserMessageContains("cut")).reply(Reply.text("<think>still think").truncated());
        llm.when(Match.lastUserMessageContains("object")).reply(Reply.toolCalls(
                Reply.ToolCall.withObjectArguments("calculator", "{\"expression\": \"1+1\"}"),
                new Reply.ToolCall("calculator", "{\"expression\": \"2+2\"}")));
        llm.when(Match.lastUserMessageContains("long")).reply(Reply.contextWindowExceeded(ServerShape.LLAMA_CPP));

        JsonNode cut = JSON.readTree(chat(body("s", "cut", false)).body());
        JsonNode object = JSON.readTree(chat(body("s", "object", false)).body());
        HttpResponse<String> tooLong = chat(body("s", "long", false));

        assertThat(cut.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        assertThat(object.at("/choices/0/message/tool_calls/0/function/arguments").isObject()).isTrue();
        assertThat(object.at("/choices/0/message/tool_calls/1/function/arguments").isTextual()).isTrue();
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).at("/error/type").asText()).isEqualTo("exceed_context_size_error");
    }

    @Test
    void refuses_response_format_types_and_tools_as_configured_probes_included() throws Exception {
        llm.imitate(ServerShape.LM_STUDIO).refuseTools("registry.ollama.ai/library/m does not support tools");
        llm.when(Match.any()).reply(Reply.text("{}"));

        HttpResponse<String> jsonObject = chat("{\"model\":\"m\",\"response_format\":{\"type\":\"json_object\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}");
        HttpResponse<String> jsonSchema = chat("{\"model\":\"m\",\"response_format\":{\"type\":\"json_schema\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"u\"}]}");
        HttpResponse<String> probe = http.send(request(body("s", "ping", true))
                .header("X-Casebook-Interaction", "probe").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(jsonObject.statusCode()).isEqualTo(400);
        assertThat(jsonObject.body()).contains("must be 'json_schema' or 'text'");
        assertThat(jsonSchema.statusCode()).isEqualTo(200);
        assertThat(probe.statusCode()).isEqualTo(400);
        assertThat(probe.body()).contains("does not support tools");
        assertThat(llm.probes()).hasSize(1);
        assertThat(llm.requests(Match.any())).hasSize(2);
    }

    @Test
    void answers_probes_itself_without_using_a_scripted_reply() throws Exception {
        llm.when(Match.any()).times(1).reply(Reply.text("for the work"));

        HttpResponse<String> probe = http.send(request(body("s", "ping", false))
                .header("X-Casebook-Interaction", "probe").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(probe.statusCode()).isEqualTo(200);
        assertThat(content(chat(body("s", "u", false)))).isEqualTo("for the work");
        assertThat(llm.probes()).hasSize(1);
        assertThat(llm.requests(Match.any())).hasSize(1);
    }

    @Test
    void reset_forgets_rules_and_requests() throws Exception {
        llm.when(Match.any()).reply(Reply.text("x"));
        chat(body("s", "u", false));

        llm.reset();

        assertThat(llm.requests()).isEmpty();
        assertThat(chat(body("s", "u", false)).statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> chat(String body) throws Exception {
        return http.send(request(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String body) {
        return HttpRequest.newBuilder(URI.create(llm.baseUrl() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer key")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String content(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).at("/choices/0/message/content").asText();
    }

    private static String body(String system, String user, boolean withTools) throws Exception {
        var root = JSON.createObjectNode();
        root.put("model", "m");
        var messages = root.putArray("messages");
        messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", user);
        if (withTools) {
            var function = root.putArray("tools").addObject().put("type", "function").putObject("function");
            function.put("name", "calculator").putObject("parameters").put("type", "object");
        }
        return JSON.writeValueAsString(root);
    }
}
