package dev.casebook.server.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ServerShape;
import java.net.http.HttpRequest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every error on {@code /v1} is OpenAI's error format with the right status, whoever answered it: the API key filter,
 * the body size filter, Spring MVC, the request reader, the agent's failure. {@code /api} keeps problem details.
 */
class OpenAiErrorsIT extends OpenAiServer {

    private static void assertError(TestClient.Reply r, int status, String type, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode error = r.error();
        assertThat(error.path("type").asString()).isEqualTo(type);
        assertThat(error.path("code").asString()).isEqualTo(code);
        assertThat(error.path("message").asString()).isNotBlank();
        assertThat(error.has("param")).isTrue();
    }

    @Test
    void a_missing_or_unknown_key_is_401_in_openai_format() {
        TestClient.Reply none = v1().as(null).get("/v1/models");
        assertError(none, 401, "authentication_error", "invalid_api_key");
        assertThat(none.error().path("message").asString()).contains("an API key is required");
        TestClient.Reply bad = v1().as("not-a-key").post("/v1/chat/completions", chat("casebook", "user", "hi"));
        assertError(bad, 401, "authentication_error", "invalid_api_key");
        assertThat(bad.error().path("message").asString()).isEqualTo("the API key is not known");
        TestClient.Reply spelled = v1().as(null).get("/v1;x=1/models");
        assertError(spelled, 401, "authentication_error", "invalid_api_key");
        TestClient.Reply api = v1().as("not-a-key").get("/api/tasks");
        assertThat(api.contentType()).as("/api keeps problem details").startsWith("application/problem+json");
    }

    @Test
    void malformed_bodies_and_wrong_methods_and_paths_are_openai_errors() {
        TestClient.Reply malformed = v1().post("/v1/chat/completions", "{\"model\": \"casebook\", \"messages\": [");
        assertError(malformed, 400, "invalid_request_error", "invalid_request");
        assertThat(malformed.error().path("message").asString()).startsWith("malformed JSON");
        assertError(v1().send(v1().request("/v1/chat/completions").POST(HttpRequest.BodyPublishers.noBody())),
                400, "invalid_request_error", "invalid_request");
        assertError(v1().send(v1().request("/v1/chat/completions").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))), 415, "invalid_request_error",
                "unsupported_media_type");
        assertError(v1().get("/v1/chat/completions"), 405, "invalid_request_error", "method_not_allowed");
        assertError(v1().get("/v1/no-such-endpoint"), 404, "not_found_error", "not_found");
        TestClient.Reply nul = v1().post("/v1/chat/completions", "{\"model\": \"casebook\", \"messages\": [{\"role\": "
                + "\"user\", \"content\": \"a\\u0000b\"}]}");
        assertError(nul, 400, "invalid_request_error", "invalid_request");
        assertThat(nul.error().path("message").asString()).contains("'messages[0].content' contains U+0000");
        String big = "x".repeat(2_100_000);
        assertError(v1().post("/v1/chat/completions", chat("casebook", "user", big)), 413, "invalid_request_error",
                "request_too_large");
    }

    @Test
    void requests_casebook_cannot_serve_are_clear_400s_naming_the_field() {
        ObjectNode tools = chat("casebook", "user", "what is the weather?");
        tools.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "weather");
        TestClient.Reply r = v1().post("/v1/chat/completions", tools);
        assertError(r, 400, "invalid_request_error", "unsupported_parameter");
        assertThat(r.error().path("param").asString()).isEqualTo("tools");
        assertThat(r.error().path("message").asString()).contains("Casebook runs its own tools");

        assertParam(chat("casebook", "user", "hi", "assistant", "hello"), "messages[1]");
        assertParam(chat("casebook"), "messages");
        assertParam(chat("casebook", "user", "hi", "tool", "42"), "messages[1].role");
        assertParam(chat("casebook", "user", "hi").put("n", 2), "n");
        assertParam(chat("casebook", "user", "hi").put("temperature", "hot"), "temperature");
        assertParam(chat("casebook", "user", "hi").put("stream", "yes"), "stream");
        assertParam(chat("casebook", "user", "hi").put("casebook_memory_mod", "off"), "casebook_memory_mod");
        assertParam(chat("casebook", "user", "hi").put("casebook_memory_mode", "sometimes"), "casebook_memory_mode");
        assertParam(chat("casebook", "user", "hi").put("casebook_planner_iterations", "many"),
                "casebook_planner_iterations");
        assertParam(TestClient.JSON.createObjectNode().put("model", "casebook").put("messages", "hi"), "messages");
        ObjectNode format = chat("casebook", "user", "hi");
        format.putObject("response_format").put("type", "json_object");
        assertParam(format, "response_format");
        TestClient.Reply hot = v1().post("/v1/chat/completions", chat("casebook", "user", "hi").put("temperature", 3));
        assertError(hot, 400, "invalid_request_error", "invalid_value");
        assertThat(hot.error().path("message").asString()).contains("'temperature' must be within [0.0, 2.0]");

        TestClient.Reply policy = v1().post("/v1/chat/completions", chat("casebook", "user", "hi")
                .put("casebook_policy", "no-such-policy"));
        assertError(policy, 400, "invalid_request_error", "invalid_value");
        assertThat(policy.error().path("param").asString()).isEqualTo("casebook_policy");
        assertThat(policy.error().path("message").asString())
                .contains("no case-selection policy named 'no-such-policy'; known: [similarity]");

        TestClient.Reply model = v1().post("/v1/chat/completions", chat("gpt-4o", "user", "hi"));
        assertError(model, 404, "not_found_error", "model_not_found");
        assertThat(model.error().path("message").asString()).contains("casebook").contains("casebook-similarity");
        assertThat(LLM.requests(Match.anyMessageContains("Task: hi"))).as("nothing refused reached the agent")
                .isEmpty();
    }

    @Test
    void files_the_tools_cannot_read_are_refused_and_nothing_is_run() {
        ObjectNode image = TestClient.JSON.createObjectNode().put("model", "casebook");
        image.putArray("messages").addObject().put("role", "user").putArray("content")
                .add(TestClient.JSON.createObjectNode().put("type", "text").put("text", "What is in this picture?"))
                .add(TestClient.JSON.createObjectNode().put("type", "image_url").set("image_url",
                        TestClient.JSON.createObjectNode().put("url", "data:image/png;base64,"
                                + Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))));
        TestClient.Reply r = v1().post("/v1/chat/completions", image);
        assertError(r, 400, "invalid_request_error", "unsupported_parameter");
        assertThat(r.error().path("param").asString()).isEqualTo("messages[0].content[1]");
        assertThat(r.error().path("message").asString()).contains("only the execute_code tool can read");

        ObjectNode remote = TestClient.JSON.createObjectNode().put("model", "casebook");
        remote.putArray("messages").addObject().put("role", "user").putArray("content")
                .add(TestClient.JSON.createObjectNode().put("type", "image_url").set("image_url",
                        TestClient.JSON.createObjectNode().put("url", "http://169.254.169.254/latest/meta-data")));
        TestClient.Reply url = v1().post("/v1/chat/completions", remote);
        assertError(url, 400, "invalid_request_error", "unsupported_parameter");
        assertThat(url.error().path("message").asString()).contains("does not download images");

        ObjectNode unknownFile = TestClient.JSON.createObjectNode().put("model", "casebook");
        unknownFile.putArray("messages").addObject().put("role", "user").putArray("content")
                .add(TestClient.JSON.createObjectNode().put("type", "text").put("text", "read it"))
                .add(TestClient.JSON.createObjectNode().put("type", "file").set("file",
                        TestClient.JSON.createObjectNode().put("file_id", "file-abc123")));
        assertError(v1().post("/v1/chat/completions", unknownFile), 400, "invalid_request_error", "file_not_found");
        assertThat(LLM.requests(Match.anyMessageContains("picture"))).isEmpty();
        assertThat(LLM.requests(Match.anyMessageContains("read it"))).isEmpty();
    }

    /**
     * A reasoning model that plans in prose: the JSON plan is only in its reasoning (never parsed), the text after it
     * a numbered list, in both places a server puts reasoning; the corrections do not help.
     */
    @Test
    void a_task_whose_model_wrote_no_json_plan_is_a_502_that_says_not_to_retry_and_a_stream_ends_with_one() {
        LLM.when(Match.interaction("plan").and(task("unplannable"))).reply(
                Reply.text("""
                        <think>
                        They want both quarters compared. Something like {"subtasks": ["Find Q1 revenue"]} would do,
                        but a list reads better.
                        </think>

                        Sure! I would go about it like this:
                        1. Find the revenue of both quarters.
                        2. Compare them and say which grew faster."""),
                Reply.text("Understood. My plan: first look up the two figures, then compare them.")
                        .withReasoning("The user keeps asking for a format; prose is clearer."));
        TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user", "unplannable request"));
        assertModelFailure(r, 502, "invalid_plan");
        assertThat(r.error().path("message").asString()).contains("the planner gave no valid JSON plan in 3 attempts")
                .contains("My plan: first look up the two figures");

        List<String> data = v1().stream(chat("casebook", "user", "unplannable, streamed").put("stream", true));
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode error = TestClient.JSON.readTree(data.get(data.size() - 2)).path("error");
        assertThat(error.path("code").asString()).isEqualTo("invalid_plan");
        assertThat(data).anyMatch(d -> d.contains("Stopped (invalid_plan)"));
    }

    /**
     * One planning round, then the forced answer: a reasoning model that puts its answer in its reasoning and nothing
     * after it, then, asked again, plans once more.
     */
    @Test
    void a_task_whose_model_gave_no_final_answer_is_a_502() {
        LLM.when(Match.interaction("plan").and(task("unanswered")))
                .reply(Reply.text("{\"subtasks\": [\"Find the boiling point of water on the summit of Everest\"]}"));
        LLM.when(Match.interaction("execute").and(task("unanswered")))
                .reply(Reply.text("About 70 degrees Celsius, at the summit's pressure of roughly 34 kPa."));
        LLM.when(Match.interaction("answer").and(task("unanswered"))).reply(
                Reply.text("<think>The findings say about 70 degrees. FINAL ANSWER: 70 degrees Celsius</think>"),
                Reply.text("{\"subtasks\": [\"Check a second source for the boiling point at 8,849 m\"]}")
                        .withReasoning("One source is not enough; I should plan another look-up."));
        TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user",
                "unanswered question: at what temperature does water boil on Everest?")
                .put("casebook_planner_iterations", 1));
        assertModelFailure(r, 502, "no_answer");
        assertThat(r.error().path("message").asString()).contains("the forced answer step gave no answer");
        assertThat(LLM.requests(Match.interaction("answer").and(task("unanswered")))).hasSize(2);
    }

    /**
     * A reasoning model that thinks at length before a good plan: the plan call alone spends more than the task's
     * token budget (the scripted server counts a quarter of the characters), so no subtask runs.
     */
    @Test
    void a_task_whose_model_spent_the_token_budget_is_a_502_whose_message_names_the_option() {
        LLM.when(Match.interaction("plan").and(task("costly request")))
                .reply(Reply.text("{\"subtasks\": [\"List the primes below 100\", \"Add them up\"]}")
                        .withReasoning("Primes below 100: 2, 3, 5, 7, 11, and so on; let me check each. ".repeat(200)));
        TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user",
                "costly request: what is the sum of the primes below 100?").put("casebook_token_budget", 2000));
        assertModelFailure(r, 502, "budget_tokens");
        assertThat(r.error().path("message").asString()).contains("the token budget of 2000 tokens is spent")
                .endsWith("a larger casebook_token_budget in the request allows more");
        assertThat(LLM.requests(Match.interaction("execute").and(task("costly request")))).isEmpty();
    }

    @Test
    void a_task_whose_model_was_unavailable_is_a_503_a_client_may_retry_as_a_direct_model_call_is() {
        LLM.when(Match.interaction("plan").and(task("overloaded request")))
                .reply(Reply.status(503, "scripted overload"));
        TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user", "overloaded request"));
        assertError(r, 503, "server_error", "llm_unavailable");
        assertThat(r.headers().firstValue("x-should-retry")).as("trying again may help").isEmpty();
        assertThat(r.error().path("message").asString()).contains("ended without an answer (llm_unavailable)");
    }

    @Test
    void a_task_whose_model_cut_its_reply_at_the_token_limit_is_a_502_as_a_direct_model_call_is() {
        LLM.when(Match.interaction("plan").and(task("long-winded request")))
                .reply(Reply.text("{\"subtasks\": [\"Look up the first of many").truncated());
        TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user", "long-winded request"));
        assertModelFailure(r, 502, "truncated");

        List<String> data = v1().stream(chat("casebook", "user", "long-winded request, streamed").put("stream", true));
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(TestClient.JSON.readTree(data.get(data.size() - 2)).path("error").path("code").asString())
                .isEqualTo("truncated");
    }

    @Test
    void a_task_whose_prompt_did_not_fit_the_models_context_window_is_a_502_as_a_direct_model_call_is() {
        LLM.when(Match.interaction("plan").and(task("oversized request")))
                .reply(Reply.contextWindowExceeded(ServerShape.OPENAI));
        TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user", "oversized request"));
        assertModelFailure(r, 502, "context_window");
    }

    @Test
    void a_task_whose_wall_time_ran_out_is_a_504_as_a_direct_model_call_is() {
        Gate never = new Gate(); // the plan call stays in flight until the task's second ran out, on any machine
        LLM.when(Match.interaction("plan").and(task("slow request")))
                .reply(Reply.text("{\"subtasks\": [\"Too late\"]}").heldBy(never));
        try {
            TestClient.Reply r = v1().post("/v1/chat/completions", chat("casebook", "user", "slow request")
                    .put("casebook_wall_seconds", 1));
            assertModelFailure(r, 504, "budget_time");
        } finally {
            never.open();
        }
    }

    @Test
    void the_openapi_description_gives_each_failed_task_its_status() {
        JsonNode responses = v1().get("/v3/api-docs").json().path("paths").path("/v1/chat/completions").path("post")
                .path("responses");
        assertThat(responses.path("502").path("description").asString())
                .contains("llm_rejected", "truncated", "context_window", "invalid_plan", "no_answer", "budget_tokens");
        assertThat(responses.path("503").path("description").asString())
                .contains("no_model_configured", "llm_unavailable");
        assertThat(responses.path("504").path("description").asString()).contains("budget_time");
        assertThat(responses.path("500").path("description").asString()).contains("internal_error")
                .doesNotContain("truncated", "context_window", "budget_time", "invalid_plan", "no_answer",
                        "budget_tokens");
    }

    /**
     * A task stopped by its model: the status, the task's reason as the code, no retry; and the task, as REST shows it,
     * failed with that same reason.
     */
    private void assertModelFailure(TestClient.Reply r, int status, String reason) {
        assertError(r, status, "server_error", reason);
        assertThat(r.headers().firstValue("x-should-retry")).hasValue("false");
        String message = r.error().path("message").asString();
        assertThat(message).contains("ended without an answer (" + reason + ")");
        Matcher id = Pattern.compile("the Casebook task (\\S+) ended").matcher(message);
        assertThat(id.find()).as(message).isTrue();
        TestClient.Reply task = v1().get("/api/tasks/" + id.group(1));
        assertThat(task.status()).as(task.body()).isEqualTo(200);
        assertThat(task.json().path("status").asString()).isEqualTo("failed");
        assertThat(task.json().path("reason").asString()).isEqualTo(reason);
    }

    private void assertParam(ObjectNode body, String param) {
        TestClient.Reply r = v1().post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.error().path("param").asString()).as(r.body()).isEqualTo(param);
    }
}
