package dev.casebook.server.openai;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.agent.Conversation;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.llm.Sampling;
import dev.casebook.server.tasks.TaskQueries;
import dev.casebook.server.tasks.TaskStore;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code POST /v1/chat/completions} end to end: whole and streamed, conversation, options, files, memory, tenancy. */
class ChatCompletionsIT extends OpenAiServer {
    @Autowired
    TaskStore records;
    @Autowired
    TaskQueries queries;

    @Test
    void a_whole_completion_is_the_task_answer_with_its_id_usage_and_casebook_extension() {
        scriptCalculator("17*23 please", "17*23", "391");
        LLM.fixedUsage(100, 7);
        ObjectNode body = chat("casebook", "system", "You are a terse assistant. Answer with the number only.",
                "user", "I am checking my homework.", "assistant", "Happy to help. What is the question?",
                "user", "What is 17*23 please?");
        body.put("temperature", 0.3).put("top_p", 0.9).put("max_tokens", 5).put("user", "someone")
                .put("seed", 7);

        TestClient.Reply r = v1().post("/v1/chat/completions", body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode c = r.json();
        assertThat(c.path("object").asString()).isEqualTo("chat.completion");
        assertThat(c.path("model").asString()).isEqualTo("casebook");
        JsonNode message = c.path("choices").path(0).path("message");
        assertThat(message.path("role").asString()).isEqualTo("assistant");
        assertThat(message.path("content").asString()).isEqualTo("391");
        assertThat(message.path("reasoning_content").asString()).contains("Plan:\n  1. Compute 17*23 with the calculator")
                .contains("→ calculator {\"expression\": \"17*23\"}").contains("← calculator: 391")
                .contains("Subtask 1 done: The calculator says 17*23 = 391");
        assertThat(c.path("choices").path(0).path("finish_reason").asString()).isEqualTo("stop");

        String id = c.path("id").asString();
        JsonNode task = v1().get("/api/tasks/" + id).json();
        assertThat(task.path("status").asString()).isEqualTo("answered");
        assertThat(task.path("text").asString()).isEqualTo("What is 17*23 please?");
        int calls = LLM.requests(task("17*23 please")).size();
        assertThat(calls).isEqualTo(4);
        assertThat(c.path("usage").path("total_tokens").asLong()).isEqualTo(task.path("tokens").asLong())
                .isEqualTo(107L * calls);
        assertThat(c.path("usage").path("prompt_tokens").asLong()).as("as the endpoint counted them").isEqualTo(100L * calls);
        assertThat(c.path("usage").path("completion_tokens").asLong()).isEqualTo(7L * calls);
        JsonNode casebook = c.path("casebook");
        assertThat(casebook.path("task_id").asString()).isEqualTo(id);
        assertThat(casebook.path("stop_reason").asString()).isEqualTo("answered");
        assertThat(casebook.path("case_id").asString()).isEqualTo(task.path("caseId").asString()).isNotBlank();
        assertThat(casebook.path("memory_mode").asString()).isEqualTo("read-write");

        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task("17*23 please"))).getFirst();
        assertThat(plan.systemPrompt()).contains("You are a terse assistant. Answer with the number only.")
                .contains("user: I am checking my homework.").contains("assistant: Happy to help.");
        assertThat(plan.lastUserMessage()).startsWith("Task: What is 17*23 please?");
        LlmRequest replan = LLM.requests(Match.interaction("replan").and(task("17*23 please"))).getFirst();
        assertThat(replan.systemPrompt()).contains("You are a terse assistant.");
        for (LlmRequest call : LLM.requests(task("17*23 please"))) { // sampling to planner and executor alike
            assertThat(call.body().path("temperature").asDouble()).as(call.interaction()).isEqualTo(0.3);
            assertThat(call.body().path("top_p").asDouble()).as(call.interaction()).isEqualTo(0.9);
            assertThat(call.body().has("max_tokens")).as("max_tokens is not passed on").isFalse();
        }
    }

    @Test
    void a_streamed_completion_sends_progress_as_reasoning_then_the_answer_then_usage() {
        scriptCalculator("stream 6*7", "6*7", "42");
        LLM.fixedUsage(90, 11);
        ObjectNode body = chat("casebook-similarity", "user", "stream 6*7: what is it?");
        body.put("stream", true).putObject("stream_options").put("include_usage", true);

        List<String> data = v1().stream(body);

        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(TestClient.JSON::readTree).toList();
        String id = chunks.getFirst().path("id").asString();
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").asString()).isEqualTo(id);
        });
        assertThat(chunks.getFirst().path("choices").path(0).path("delta").path("role").asString())
                .isEqualTo("assistant");
        List<String> kinds = new ArrayList<>();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (JsonNode chunk : chunks) {
            JsonNode delta = chunk.path("choices").path(0).path("delta");
            if (delta.path("reasoning_content").isString()) {
                kinds.add("reasoning");
                reasoning.append(delta.path("reasoning_content").asString());
            }
            if (delta.path("content").isString() && !delta.path("content").asString().isEmpty()) {
                kinds.add("content");
                content.append(delta.path("content").asString());
            }
        }
        assertThat(kinds).contains("reasoning", "content");
        assertThat(kinds.lastIndexOf("reasoning")).as("all progress before the answer")
                .isLessThan(kinds.indexOf("content"));
        assertThat(reasoning.toString()).contains("Memory: ").contains("Plan:").contains("→ calculator")
                .contains("← calculator: 42");
        assertThat(content.toString()).isEqualTo("42");
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.path("choices").path(0).path("finish_reason").asString()).isEqualTo("stop");
        assertThat(finish.path("casebook").path("task_id").asString()).isEqualTo(id);
        assertThat(finish.path("casebook").path("policy").asString()).isEqualTo("similarity");
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices").isEmpty()).isTrue();
        JsonNode task = v1().get("/api/tasks/" + id).json();
        int calls = LLM.requests(task("stream 6*7")).size();
        assertThat(usage.path("usage").path("total_tokens").asLong()).isEqualTo(task.path("tokens").asLong())
                .isEqualTo(101L * calls);
        assertThat(usage.path("usage").path("prompt_tokens").asLong()).isEqualTo(90L * calls);
        assertThat(usage.path("usage").path("completion_tokens").asLong()).isEqualTo(11L * calls);
    }

    @Test
    void a_long_answer_is_streamed_as_several_content_deltas() {
        String answer = "The three primary colours of light are red, green and blue; mixed they give white.";
        LLM.when(Match.interaction("plan").and(task("primary colours")))
                .reply(Reply.text("Easy one. {\"answer\": \"" + answer + "\"}"));
        List<String> data = v1().stream(chat("casebook", "user", "Name the primary colours of light.")
                .put("stream", true));
        List<String> pieces = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode delta = TestClient.JSON.readTree(d).path("choices").path(0).path("delta");
            if (!delta.path("content").asString("").isEmpty()) {
                pieces.add(delta.path("content").asString());
            }
        }
        assertThat(pieces).hasSizeGreaterThan(2);
        assertThat(String.join("", pieces)).isEqualTo(answer);
        assertThat(data).as("no usage unless asked for").noneMatch(d -> d.contains("\"usage\""));
    }

    @Test
    void options_in_metadata_and_extra_fields_set_memory_mode_policy_and_budgets() {
        LLM.when(Match.interaction("plan").and(task("budgeted question")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 2+2 with the calculator\"]}"));
        LLM.when(Match.interaction("execute").and(task("budgeted question")))
                .reply(Reply.text("I worked it out: 4"));
        LLM.when(Match.interaction("answer").and(task("budgeted question")))
                .reply(Reply.text("Considering the results...\nFINAL ANSWER: 4"));
        ObjectNode body = chat("casebook", "user", "budgeted question: what is 2+2?");
        body.putObject("metadata").put("casebook_memory_mode", "read-only").put("casebook_planner_iterations", "3");
        body.put("casebook_planner_iterations", 1).put("casebook_token_budget", 50000);

        TestClient.Reply r = v1().post("/v1/chat/completions", body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode c = r.json();
        assertThat(c.path("choices").path(0).path("message").path("content").asString()).isEqualTo("4");
        assertThat(c.path("casebook").path("stop_reason").asString())
                .as("the extra field (1 planning round) wins over metadata").isEqualTo("budget_planner_iterations");
        assertThat(c.path("casebook").path("memory_mode").asString()).isEqualTo("read-only");
        assertThat(c.path("casebook").path("case_id").isNull()).as("read-only writes no case").isTrue();
        assertThat(LLM.requests(Match.interaction("replan").and(task("budgeted question")))).isEmpty();

        TestClient.Reply readOnly = v1().post("/v1/chat/completions", chat("casebook-readonly", "user",
                "budgeted question again").put("casebook_planner_iterations", "1"));
        assertThat(readOnly.status()).as(readOnly.body()).isEqualTo(200);
        assertThat(readOnly.json().path("casebook").path("memory_mode").asString()).isEqualTo("read-only");
    }

    /** Issue 12: the casebook_bank and casebook_banks options choose where the case goes and what is selected. */
    @Test
    void bank_options_choose_the_bank_written_and_the_banks_read() {
        scriptCalculator("chat banks: nine boxes", "9*6", "54");
        scriptCalculator("chat banks: eight boxes", "8*6", "48");
        scriptCalculator("chat banks: seven boxes", "7*6", "42");
        ObjectNode write = chat("casebook", "user", "chat banks: nine boxes of six eggs, how many eggs?");
        write.put("casebook_bank", "chat-b");
        TestClient.Reply first = v1().post("/v1/chat/completions", write);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String caseId = first.json().path("casebook").path("case_id").asString();
        assertThat(v1().get("/api/cases/" + caseId).json().path("bank").asString()).isEqualTo("chat-b");

        ObjectNode elsewhere = chat("casebook", "user", "chat banks: eight boxes of six eggs, how many eggs?");
        elsewhere.putObject("metadata").put("casebook_memory_mode", "read-only").put("casebook_banks", "chat-a, x");
        TestClient.Reply other = v1().post("/v1/chat/completions", elsewhere);
        assertThat(other.status()).as(other.body()).isEqualTo(200);
        assertThat(other.json().path("casebook").path("selected_cases").toString()).doesNotContain(caseId);
        ObjectNode here = chat("casebook", "user", "chat banks: seven boxes of six eggs, how many eggs?");
        here.put("casebook_memory_mode", "read-only").put("casebook_banks", "chat-b");
        TestClient.Reply same = v1().post("/v1/chat/completions", here);
        assertThat(same.status()).as(same.body()).isEqualTo(200);
        assertThat(same.json().path("casebook").path("selected_cases").toString()).contains(caseId);
        assertThat(queries.spec(same.json().path("id").asString()).banks().read()).containsExactly("chat-b");

        TestClient.Reply bad = v1().post("/v1/chat/completions", chat("casebook", "user", "chat banks: bad")
                .put("casebook_bank", "no such/name"));
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
        assertThat(bad.error().path("param").asString()).isEqualTo("casebook_bank");
        TestClient.Reply frozen = v1().send(v1().request("/api/cases/banks/chat-b").header("Content-Type",
                "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
                "{\"readOnly\": true}")));
        assertThat(frozen.status()).as(frozen.body()).isEqualTo(200);
        TestClient.Reply refused = v1().post("/v1/chat/completions", chat("casebook", "user", "chat banks: frozen")
                .put("casebook_bank", "chat-b"));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.error().path("message").asString()).startsWith("bank 'chat-b' is read-only");
    }

    @Test
    void a_file_part_becomes_an_attachment_the_tools_read() {
        String marker = "secret in the notes";
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Read notes.txt and find the secret code\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("read_document", "{\"file\": \"notes.txt\"}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("The notes say: " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.dynamic(r -> Reply.text("{\"answer\": \"FINAL ANSWER: "
                        + (r.allText().contains("7341") ? "7341" : "unknown") + "\"}")));
        ObjectNode body = TestClient.JSON.createObjectNode().put("model", "casebook");
        ObjectNode user = body.putArray("messages").addObject().put("role", "user");
        user.putArray("content").add(TestClient.JSON.createObjectNode().put("type", "text")
                        .put("text", "What is the " + marker + "?"))
                .add(TestClient.JSON.createObjectNode().put("type", "file").set("file", TestClient.JSON.createObjectNode()
                        .put("filename", "notes.txt").put("file_data", "data:text/plain;base64," + Base64.getEncoder()
                                .encodeToString("Meeting notes.\nThe secret code is 7341.\n".getBytes(
                                        StandardCharsets.UTF_8)))));

        TestClient.Reply r = v1().post("/v1/chat/completions", body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("choices").path(0).path("message").path("content").asString()).isEqualTo("7341");
        JsonNode task = v1().get("/api/tasks/" + r.json().path("id").asString()).json();
        assertThat(task.path("attachments")).hasSize(1);
        assertThat(LLM.requests(Match.interaction("plan").and(task(marker))).getFirst().lastUserMessage())
                .contains("Attached files (the tools can read them): notes.txt");
    }

    @Test
    void a_second_conversation_on_the_topic_selects_the_case_the_first_wrote_and_feedback_reaches_it() {
        scriptCalculator("legs of three spiders", "3*8", "24");
        scriptCalculator("legs do five spiders", "5*8", "40");
        TestClient.Reply first = v1().post("/v1/chat/completions", chat("casebook", "user",
                "A spider has eight legs. How many legs of three spiders are there together?"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String id = first.json().path("id").asString();
        String caseId = first.json().path("casebook").path("case_id").asString();

        TestClient.Reply feedback = v1().post("/v1/feedback", "{\"completion_id\": \"" + id + "\", \"reward\": 1}");
        assertThat(feedback.status()).as(feedback.body()).isEqualTo(200);
        assertThat(feedback.json().path("reward").asDouble()).isEqualTo(1.0);
        assertThat(feedback.json().path("case_id").asString()).isEqualTo(caseId);
        assertThat(v1().get("/api/cases/" + caseId).json().path("reward").asDouble()).isEqualTo(1.0);
        TestClient.Reply again = v1().post("/v1/feedback", "{\"completion_id\": \"" + id + "\", \"reward\": 0}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error().path("code").asString()).isEqualTo("conflict");

        TestClient.Reply second = v1().post("/v1/chat/completions", chat("casebook", "user",
                "Spiders have 8 legs each: how many legs do five spiders have?"));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        List<String> selected = new ArrayList<>();
        second.json().path("casebook").path("selected_cases").forEach(s -> selected.add(s.path("case_id").asString()));
        assertThat(selected).contains(caseId);
        assertThat(LLM.requests(Match.interaction("plan").and(task("legs do five spiders"))).getFirst()
                .lastUserMessage()).contains("How many legs of three spiders");

        TestClient.Reply byTaskApi = v1().post("/api/tasks/" + second.json().path("id").asString() + "/feedback",
                "{\"correctAnswer\": \"40\"}");
        assertThat(byTaskApi.status()).as("the completion id is the task id").isEqualTo(200);
        assertThat(byTaskApi.json().path("reward").asDouble()).isEqualTo(1.0);
    }

    @Test
    void another_tenant_never_sees_the_first_tenants_cases_or_completions() {
        scriptCalculator("tenancy topic: 12*12", "12*12", "144");
        TestClient.Reply mine = v1().post("/v1/chat/completions", chat("casebook", "user", "tenancy topic: 12*12, please"));
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        String id = mine.json().path("id").asString();

        TestClient theirs = v1().as(KEY_B);
        TestClient.Reply other = theirs.post("/v1/chat/completions", chat("casebook", "user", "tenancy topic: 12*12, please"));
        assertThat(other.status()).as(other.body()).isEqualTo(200);
        assertThat(other.json().path("casebook").path("selected_cases").isEmpty())
                .as("globex is shown none of acme's cases").isTrue();
        assertThat(LLM.requests(Match.interaction("plan").and(task("tenancy topic"))).getLast().lastUserMessage())
                .doesNotContain("Examples to follow");
        TestClient.Reply feedback = theirs.post("/v1/feedback", "{\"completion_id\": \"" + id + "\", \"reward\": 1}");
        assertThat(feedback.status()).isEqualTo(404);
        assertThat(feedback.error().path("type").asString()).isEqualTo("not_found_error");
        TestClient.Reply readOnly = theirs.post("/v1/chat/completions", chat("casebook-readonly", "user", "tenancy topic"));
        assertThat(readOnly.status()).as("a profile of acme's only").isEqualTo(404);
    }

    @Test
    void a_client_that_leaves_a_stream_cancels_its_task() throws Exception {
        LLM.when(Match.interaction("plan").and(task("slow subtask")))
                .reply(Reply.text("{\"subtasks\": [\"Wait for something slow\"]}"));
        LLM.when(Match.interaction("execute").and(task("slow subtask"))).reply(Reply.hang());
        String body = TestClient.JSON.writeValueAsString(chat("casebook", "user", "slow subtask ahead").put("stream", true));
        String id;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY_A
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            String first = null;
            while ((line = in.readLine()) != null && !line.contains("Plan:")) {
                if (first == null && line.startsWith("data: {")) {
                    first = line;
                }
            }
            assertThat(line).as("the plan was streamed before the executor hung").isNotNull();
            id = TestClient.JSON.readTree(first.substring("data: ".length())).path("id").asString();
            awaitRequest(Match.interaction("execute").and(task("slow subtask")));
        } // the client leaves while the executor's call hangs

        JsonNode task = v1().awaitTask(id);
        assertThat(task.path("status").asString()).isEqualTo("cancelled");
    }

    @Test
    void a_task_queued_for_another_replica_keeps_its_conversation() {
        Conversation conversation = new Conversation("Answer in French.", List.of(
                new Conversation.Turn("user", "Bonjour"), new Conversation.Turn("assistant", "Bonjour !")), 2,
                new Sampling(0.2, null, null, 0.5));
        TaskSpec spec = TaskSpec.of(UUID.randomUUID().toString(), "acme", "Quelle heure est-il ?")
                .withMemoryMode(MemoryMode.OFF).withConversation(conversation);

        records.create(spec, List.of());

        assertThat(queries.spec(spec.id())).isEqualTo(spec);
        TaskSpec alone = TaskSpec.of(UUID.randomUUID().toString(), "acme", "alone").withMemoryMode(MemoryMode.OFF);
        records.create(alone, List.of());
        assertThat(queries.spec(alone.id()).conversation()).isEqualTo(Conversation.NONE);
        records.cancelQueued(spec.id()); // not to be run: the test is about the record
        records.cancelQueued(alone.id());
    }

    private static void awaitRequest(Predicate<LlmRequest> which) {
        eventually("the request", () -> LLM.requests(which), requests -> !requests.isEmpty());
    }
}
