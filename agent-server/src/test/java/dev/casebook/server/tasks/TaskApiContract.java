package dev.casebook.server.tasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The task API against a running server with auth on and two tenants; subclasses choose the database. The server
 * has no LLM configured, so every task ends failed with {@code no_model_configured}.
 */
abstract class TaskApiContract {
    static final String KEY_A = "key-of-tenant-a";
    static final String KEY_B = "key-of-tenant-b";

    @LocalServerPort
    int port;
    @Autowired
    TaskStore records;
    @Autowired
    TaskQueries queries;
    @Autowired
    ApiKeys keys;
    @Autowired
    TaskSettings settings;
    @Autowired
    TaskEvents events;
    @Autowired
    TaskRunner runner;
    @Autowired
    TaskClaims claims;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;

    static void authProperties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-a");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY_A));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-b");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(KEY_B));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
    }

    TestClient a() {
        return new TestClient(port, KEY_A);
    }

    TestClient b() {
        return new TestClient(port, KEY_B);
    }

    String create(TestClient api, String text) {
        TestClient.Reply r = api.post("/api/tasks", "{\"text\":\"" + text + "\",\"memoryMode\":\"read-only\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    @Test
    void a_task_without_a_model_fails_with_no_model_configured() {
        TestClient.Reply created = a().post("/api/tasks", "{\"text\":\"What is 6*7?\"}");
        assertThat(created.status()).isEqualTo(202);
        assertThat(created.json().get("status").asString()).isIn("queued", "running", "failed");
        JsonNode task = a().awaitTask(created.json().get("id").asString());
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("no_model_configured");
        assertThat(task.get("memoryMode").asString()).isEqualTo("read-write");
        assertThat(task.get("finishedAt").isNull()).isFalse();
    }

    @Test
    void the_submitted_task_is_answered_as_it_was_recorded() {
        TestClient.Reply created = a().post("/api/tasks",
                "{\"text\":\"What is 6*7?\",\"memoryMode\":\"read-only\",\"banks\":[\"zeta\",\"alpha\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode answered = created.json();
        JsonNode read = a().get("/api/tasks/" + answered.get("id").asString()).json();

        for (String field : List.of("id", "text", "createdAt", "memoryMode", "policy", "attachments", "source", "bank",
                "banks")) {
            assertThat(answered.get(field)).as(field).isEqualTo(read.get(field));
        }
        assertThat(answered.get("banks").toString()).isEqualTo("[\"alpha\",\"zeta\"]");
        assertThat(answered.get("status").asString()).isIn("queued", "running");
        assertThat(answered.get("tokens").asLong()).isZero();
        assertThat(answered.get("tokensEstimated").asBoolean()).isFalse();
    }

    @Test
    void requests_without_a_known_key_are_unauthorized() {
        TestClient.Reply none = new TestClient(port, null).get("/api/tasks");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.json().get("detail").asString()).contains("an API key is required");
        assertThat(new TestClient(port, "wrong").get("/api/tasks").status()).isEqualTo(401);
    }

    @Test
    void accepts_the_key_as_x_api_key_and_keys_created_in_the_table() {
        TestClient.Reply r = new TestClient(port, null).send(new TestClient(port, null).request("/api/tasks").header("X-API-Key", KEY_A)
                .GET());
        assertThat(r.status()).isEqualTo(200);
        String created = keys.create("tenant-c", "test");
        assertThat(created).startsWith("cb_");
        String id = create(new TestClient(port, created), "from the table key");
        assertThat(a().get("/api/tasks/" + id).status()).isEqualTo(404);
        assertThat(new TestClient(port, created).get("/api/tasks/" + id).status()).isEqualTo(200);
    }

    @Test
    void no_endpoint_shows_one_tenants_task_to_another() {
        String id = create(a(), "tenant a's secret task");
        a().awaitTask(id);
        assertThat(b().get("/api/tasks/" + id).status()).isEqualTo(404);
        assertThat(b().get("/api/tasks/" + id + "/steps").status()).isEqualTo(404);
        assertThat(b().get("/api/tasks/" + id + "/events").status()).isEqualTo(404);
        assertThat(b().post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(404);
        assertThat(b().post("/api/tasks/" + id + "/feedback", "{\"reward\":1}").status()).isEqualTo(404);
        assertThat(b().get("/api/tasks?size=200").body()).doesNotContain(id);
        assertThat(a().get("/api/tasks?size=200").body()).contains(id);
        assertThat(a().get("/api/tasks/" + id).status()).isEqualTo(200);
    }

    @Test
    void one_tenants_attachment_cannot_be_used_by_another() {
        String boundary = "----casebook" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nsecret\r\n--" + boundary + "--\r\n";
        TestClient.Reply up = a().send(a().request("/api/attachments")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String attachment = up.json().get("id").asString();
        String task = "{\"text\":\"read it\",\"attachments\":[\"" + attachment + "\"]}";
        TestClient.Reply other = b().post("/api/tasks", task);
        assertThat(other.status()).isEqualTo(400);
        assertThat(other.json().get("detail").asString()).contains("no attachment with id");
        TestClient.Reply own = a().post("/api/tasks", task);
        assertThat(own.status()).isEqualTo(202);
        assertThat(own.json().get("attachments").get(0).asString()).isEqualTo(attachment);
    }

    @Test
    void lists_tasks_newest_first_with_paging_and_a_status_filter() {
        String first = create(a(), "first");
        String second = create(a(), "second");
        a().awaitTask(first);
        a().awaitTask(second);
        JsonNode page = a().get("/api/tasks?page=0&size=1&status=failed").json();
        assertThat(page.get("size").asInt()).isEqualTo(1);
        assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(page.get("items")).hasSize(1);
        assertThat(a().get("/api/tasks?status=answered").json().get("items").toString()).doesNotContain(first);
        JsonNode all = a().get("/api/tasks?size=200").json().get("items");
        List<String> ids = new ArrayList<>();
        all.forEach(t -> ids.add(t.get("id").asString()));
        assertThat(ids.indexOf(second)).isLessThan(ids.indexOf(first));
    }

    @Test
    void feedback_is_accepted_exactly_once() {
        String id = create(a(), "feedback once");
        a().awaitTask(id);
        TestClient.Reply first = a().post("/api/tasks/" + id + "/feedback", "{\"reward\":0.75}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("reward").asDouble()).isEqualTo(0.75);
        TestClient.Reply again = a().post("/api/tasks/" + id + "/feedback", "{\"reward\":0.1}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asString()).contains("already has feedback");
        assertThat(a().get("/api/tasks/" + id).json().get("reward").asDouble()).isEqualTo(0.75);
        JsonNode steps = a().get("/api/tasks/" + id + "/steps").json();
        JsonNode last = steps.get(steps.size() - 1);
        assertThat(last.get("type").asString()).isEqualTo("rewarded");
        assertThat(last.get("reward").asDouble()).isEqualTo(0.75);
        assertThat(last.get("by").asString()).isEqualTo("feedback");
        assertThat(steps.toString().split("\"rewarded\"", -1)).hasSize(2);
    }

    @Test
    void a_correct_answer_as_feedback_becomes_a_reward_by_exact_match() {
        String id = create(a(), "no answer to match");
        a().awaitTask(id);
        JsonNode task = a().post("/api/tasks/" + id + "/feedback", "{\"correctAnswer\":\"42\"}").json();
        assertThat(task.get("reward").asDouble()).isEqualTo(0.0);
        assertThat(task.get("rewardBy").asString()).isEqualTo("feedback:correct-answer");
    }

    @Test
    void cancelling_an_ended_task_is_a_conflict() {
        String id = create(a(), "ends at once");
        a().awaitTask(id);
        TestClient.Reply r = a().post("/api/tasks/" + id + "/cancel", "");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asString()).contains("already ended: failed");
    }

    @Test
    void tasks_left_running_by_a_crashed_server_are_queued_again_or_fail_when_out_of_attempts() {
        String again = UUID.randomUUID().toString();
        String spent = UUID.randomUUID().toString();
        // claims the last start of this instance left: not expired, so no lease sweep takes them, but ending before
        // the leases of the start below, which takes them back at once (a context that started long ago may not)
        Instant notExpired = Instant.now().plus(settings.lease()).minus(settings.lease().dividedBy(2));
        Claim crashed = TaskRows.running(jdbc, json, spec(again, "tenant-a"), settings.instanceId(), 1, notExpired);
        records.appendStep(crashed, 1, new Step.Planned(1, "{}", List.of("look it up"), 10, 5));
        TaskRows.running(jdbc, json, spec(spent, "tenant-a"), settings.instanceId(), settings.maxAttempts(),
                notExpired);

        new TaskQueue(runner, claims, settings).recoverOwn(); // this instance starting again

        JsonNode rerun = a().awaitTask(again);
        assertThat(rerun.get("reason").asString()).isEqualTo("no_model_configured"); // it ran again, here
        assertThat(rerun.get("attempt").asInt()).isEqualTo(2);
        JsonNode steps = a().get("/api/tasks/" + again + "/steps").json();
        assertThat(steps.get(0).get("type").asString()).isEqualTo("planned");
        assertThat(steps.get(1).get("type").asString()).isEqualTo("restarted");
        assertThat(steps.get(1).get("seq").asInt()).isEqualTo(2);
        assertThat(steps.get(1).get("reason").asString()).isEqualTo("server_restarted");
        assertThat(steps.get(1).get("attempt").asInt()).isEqualTo(1);
        assertThat(steps.get(1).get("runner").asString()).isEqualTo(settings.instanceId());
        JsonNode failed = a().get("/api/tasks/" + spent).json();
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("reason").asString()).isEqualTo("interrupted");
        assertThat(failed.get("detail").asString()).contains("started " + settings.maxAttempts() + " time(s)",
                "casebook.tasks.max-attempts");
        assertThat(step(spent, "stopped").get("reason").asString()).isEqualTo("interrupted");
    }

    @Test
    void the_writes_of_a_claim_that_no_longer_stands_change_nothing() {
        String id = UUID.randomUUID().toString();
        Claim current = TaskRows.running(jdbc, json, spec(id, "tenant-a"), "replica-x", 2, Instant.now().plusSeconds(60));
        Claim earlier = new Claim(id, "replica-x", 1);
        Claim elsewhere = new Claim(id, "replica-y", 2);
        Step step = new Step.Planned(1, "{}", List.of("a"), 1, 1);
        var answered = new dev.casebook.server.agent.Outcome.Answered("stale", false, null, List.of(), 1);

        assertThat(records.appendStep(earlier, 1, step)).isFalse();
        assertThat(records.appendStep(elsewhere, 1, step)).isFalse();
        assertThat(records.finish(earlier, answered)).isFalse();
        assertThat(records.finish(elsewhere, answered)).isFalse();
        assertThat(a().get("/api/tasks/" + id + "/steps").json()).isEmpty();
        assertThat(a().get("/api/tasks/" + id).json().get("status").asString()).isEqualTo("running");
        assertThat(records.appendStep(current, 1, step)).isTrue();
        assertThat(records.finish(current, answered)).isTrue();
        assertThat(records.finish(current, answered)).isFalse();
        assertThat(a().get("/api/tasks/" + id).json().get("answer").asString()).isEqualTo("stale");
    }

    @Test
    void steps_are_recorded_and_replayed_to_a_late_event_subscriber_then_end() throws Exception {
        String id = UUID.randomUUID().toString();
        Claim claim = TaskRows.running(jdbc, json, spec(id, "tenant-a"), "replica-x", 1, Instant.now().plusSeconds(60));
        UUID caseId = UUID.randomUUID();
        records.appendStep(claim, 1, new Step.CasesSelected("similarity",
                List.of(new Step.CasesSelected.Pick(caseId, 0.9, "example", "an old task", "positive", 3, 1)), 3));
        records.appendStep(claim, 2, new Step.Planned(1, "{\"subtasks\":[\"add\"]}", List.of("add"), 120, 40));
        records.finish(claim, new dev.casebook.server.agent.Outcome.Answered("42", false, null, List.of(), 120));

        JsonNode steps = a().get("/api/tasks/" + id + "/steps").json();
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).get("type").asString()).isEqualTo("cases_selected");
        assertThat(steps.get(1).get("seq").asInt()).isEqualTo(2);
        assertThat(steps.get(1).get("phase").asString()).isEqualTo("plan");
        assertThat(steps.get(1).get("tokens").asLong()).isEqualTo(120);
        assertThat(steps.get(1).get("subtasks").get(0).asString()).isEqualTo("add");
        JsonNode task = a().get("/api/tasks/" + id).json();
        assertThat(task.get("answer").asString()).isEqualTo("42");
        assertThat(task.get("selected").get(0).get("caseId").asString()).isEqualTo(caseId.toString());
        assertThat(task.get("selected").get(0).get("score").asDouble()).isEqualTo(0.9);

        assertThat(queries.credits(id)).containsExactly(new dev.casebook.server.memory.MemoryFeedback.Credit(
                caseId.toString(), 0.9, "example", "positive", 3, 1));

        String stream = events(a(), id);
        assertThat(stream).contains("event:cases_selected", "event:planned", "event:end", "\"status\":\"answered\"");
        assertThat(stream.indexOf("event:planned")).isLessThan(stream.indexOf("event:end"));
    }

    @Test
    void an_episode_recorded_at_once_reads_and_replays_like_a_task_that_ran() throws Exception {
        String id = UUID.randomUUID().toString();
        UUID caseId = UUID.randomUUID();
        UUID written = UUID.randomUUID();
        List<Step.CasesSelected.Pick> picks = List.of(
                new Step.CasesSelected.Pick(caseId, 0.8, "positive", "an old task", "positive", 5, 4),
                new Step.CasesSelected.Pick(UUID.randomUUID(), 0.3, "negative", "a failed task", "negative", 0, 0));
        records.recordEpisode(spec(id, "tenant-a"), List.of(new Step.CasesSelected("similarity", picks, 2),
                        new Step.Planned(1, "{\"answer\":\"42\"}", List.of(), 90, 30),
                        new Step.Answered("42", "FINAL ANSWER: 42", false, 0, 0)),
                new dev.casebook.server.agent.Outcome.Answered("42", false, written, picks, 90));

        JsonNode task = a().get("/api/tasks/" + id).json();
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("42");
        assertThat(task.get("tokens").asLong()).isEqualTo(90);
        assertThat(task.get("caseId").asString()).isEqualTo(written.toString());
        assertThat(task.get("memoryMode").asString()).isEqualTo("read-only");
        assertThat(task.get("startedAt").isNull()).isFalse();
        assertThat(task.get("finishedAt").isNull()).isFalse();
        assertThat(task.get("selected")).hasSize(2);
        assertThat(task.get("selected").get(0).get("caseId").asString()).isEqualTo(caseId.toString());
        assertThat(task.get("selected").get(1).get("role").asString()).isEqualTo("negative");
        assertThat(queries.credits(id)).extracting(c -> c.uses() + "/" + c.successes()).containsExactly("5/4", "0/0");
        JsonNode steps = a().get("/api/tasks/" + id + "/steps").json();
        assertThat(steps).hasSize(3); // numbered from 1 like the task runner's: a step 0 would be left out
        assertThat(steps.get(0).get("seq").asInt()).isEqualTo(1);
        assertThat(steps.get(0).get("type").asString()).isEqualTo("cases_selected");
        assertThat(steps.get(1).get("tokens").asLong()).isEqualTo(90);
        assertThat(steps.get(2).get("answer").asString()).isEqualTo("42");
        assertThat(b().get("/api/tasks/" + id).status()).isEqualTo(404);
        String stream = events(a(), id);
        assertThat(stream).contains("event:cases_selected", "event:planned", "event:answered", "event:end",
                "\"status\":\"answered\"");

        String failed = UUID.randomUUID().toString();
        records.recordEpisode(spec(failed, "tenant-a"), List.of(),
                new dev.casebook.server.agent.Outcome.Failed("invalid_plan", "no JSON", List.of(), 5));
        JsonNode failedTask = a().get("/api/tasks/" + failed).json();
        assertThat(failedTask.get("status").asString()).isEqualTo("failed");
        assertThat(failedTask.get("reason").asString()).isEqualTo("invalid_plan");
        assertThat(failedTask.get("detail").asString()).isEqualTo("no JSON");
        assertThat(a().get("/api/tasks/" + failed + "/steps").json()).isEmpty();

        // recorded again under the same id (a batch item run again): the new record replaces the old one
        records.recordEpisode(spec(id, "tenant-a"), List.of(new Step.Answered("43", "FINAL ANSWER: 43", false, 0, 0)),
                new dev.casebook.server.agent.Outcome.Answered("43", false, written, List.of(), 12));
        JsonNode again = a().get("/api/tasks/" + id).json();
        assertThat(again.get("answer").asString()).isEqualTo("43");
        assertThat(again.get("tokens").asLong()).isEqualTo(12);
        assertThat(again.get("selected")).isEmpty();
        assertThat(a().get("/api/tasks/" + id + "/steps").json()).hasSize(1);
    }

    @Test
    void a_live_subscriber_gets_past_steps_then_live_ones_then_end() throws Exception {
        String id = UUID.randomUUID().toString();
        Claim claim = TaskRows.running(jdbc, json, spec(id, "tenant-a"), "replica-x", 1, Instant.now().plusSeconds(60));
        events.open(id);
        Step first = new Step.Planned(1, "{}", List.of("look it up"), 10, 5);
        records.appendStep(claim, 1, first);
        ObjectNode firstView = queries.stepView(id, 1, first);
        events.publish(id, 1, "planned", firstView);
        var stream = CompletableFuture.supplyAsync(() -> {
            try {
                return events(a(), id);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(eventually("a subscriber of task " + id, () -> events.subscribers(id), n -> n > 0)).isEqualTo(1);
        // published live only, never recorded: it can reach the subscriber only through the live path
        Step second = new Step.Answered("42 — Zürich ✓", "FINAL ANSWER: 42", false, 7, 3);
        ObjectNode secondView = queries.stepView(id, 2, second);
        events.publish(id, 2, "answered", secondView);
        events.end(id, "answered");
        String all = stream.get(120, TimeUnit.SECONDS);
        assertThat(all).contains("event:planned", "event:answered", "\"answer\":\"42 — Zürich ✓\"", "event:end");
        assertThat(all.indexOf("event:planned")).isLessThan(all.indexOf("event:answered"));
        assertThat(all.indexOf("event:answered")).isLessThan(all.indexOf("event:end"));
        // byte for byte what Spring's SSE builder sends with the application's JSON converter (SseText sends each
        // event as one text part instead of three)
        assertThat(all).isEqualTo(SseTextTest.springLayout(SseEmitter.event().id("1").name("planned")
                .data(firstView, MediaType.APPLICATION_JSON), json)
                + SseTextTest.springLayout(SseEmitter.event().id("2").name("answered")
                .data(secondView, MediaType.APPLICATION_JSON), json)
                + SseTextTest.springLayout(SseEmitter.event().name("end").data(Map.of("status", "answered"),
                MediaType.APPLICATION_JSON), json));
    }

    @Test
    void a_live_task_streams_its_end_event() throws Exception {
        String id = create(a(), "stream me");
        String stream = events(a(), id);
        assertThat(stream).contains("event:end", "\"status\":\"failed\"");
    }

    @Test
    void many_concurrent_tasks_all_end() throws Exception {
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                ids.add(clients.submit(() -> create(a(), "concurrent " + n)));
            }
            for (Future<String> id : ids) {
                assertThat(a().awaitTask(id.get()).get("status").asString()).isEqualTo("failed");
            }
        }
    }

    JsonNode step(String id, String type) {
        for (JsonNode s : a().get("/api/tasks/" + id + "/steps").json()) {
            if (s.get("type").asString().equals(type)) {
                return s;
            }
        }
        throw new AssertionError("task " + id + " has no step " + type);
    }

    static String events(TestClient api, String id) throws Exception {
        HttpResponse<Stream<String>> r = TestClient.HTTP.send(api.request("/api/tasks/" + id + "/events")
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        StringBuilder all = new StringBuilder();
        try (Stream<String> lines = r.body()) {
            lines.forEach(l -> all.append(l).append('\n'));
        }
        return all.toString();
    }

    @Test
    void tokens_estimated_is_kept_as_steps_are_recorded_and_says_what_the_query_over_their_payloads_said() {
        String id = UUID.randomUUID().toString();
        Claim claim = TaskRows.running(jdbc, json, spec(id, "tenant-a"), "replica-x", 1, Instant.now().plusSeconds(60));
        Step.LlmUse counted = new Step.LlmUse("", 0, false, 30, 10);
        Step.LlmUse estimated = new Step.LlmUse("", 0, true, 30, 10);
        records.appendStep(claim, 1, new Step.CasesSelected("similarity",
                List.of(new Step.CasesSelected.Pick(UUID.randomUUID(), 0.9, "example", "old", "positive", 1, 1)), 3));
        records.appendStep(claim, 2, new Step.Planned(1, "{}", List.of("add"), 40, 5, counted));

        assertThat(a().get("/api/tasks/" + id).json().get("tokensEstimated").asBoolean()).isFalse();
        assertThat(estimatedByPayloads(id)).isFalse();

        records.appendStep(claim, 3, new Step.SubtaskDone(1, "add", "4", 40, 5, estimated));
        records.appendStep(claim, 4, new Step.Answered("4", "4", false, 40, 5, counted));
        records.finish(claim, new dev.casebook.server.agent.Outcome.Answered("4", false, null, List.of(), 120));

        assertThat(estimatedByPayloads(id)).isTrue();
        assertThat(a().get("/api/tasks/" + id).json().get("tokensEstimated").asBoolean()).isTrue();
        assertThat(queries.list("tenant-a", null, null, 0, 200).items()).filteredOn(t -> t.id().equals(id))
                .singleElement().extracting(TaskView::tokensEstimated).isEqualTo(true);
        // a claim that no longer stands marks nothing
        String other = UUID.randomUUID().toString();
        TaskRows.running(jdbc, json, spec(other, "tenant-a"), "replica-x", 2, Instant.now().plusSeconds(60));
        assertThat(records.appendStep(new Claim(other, "replica-x", 1), 1,
                new Step.Answered("4", "4", false, 40, 5, estimated))).isFalse();
        assertThat(a().get("/api/tasks/" + other).json().get("tokensEstimated").asBoolean()).isFalse();
        // an episode recorded at once (an evaluation item)
        String episode = UUID.randomUUID().toString();
        records.recordEpisode(spec(episode, "tenant-a"), List.of(new Step.Planned(1, "{}", List.of("add"), 40, 5,
                counted), new Step.Answered("4", "4", false, 40, 5, estimated)),
                new dev.casebook.server.agent.Outcome.Answered("4", false, null, List.of(), 80));
        assertThat(estimatedByPayloads(episode)).isTrue();
        assertThat(a().get("/api/tasks/" + episode).json().get("tokensEstimated").asBoolean()).isTrue();
    }

    /** What a task's {@code tokensEstimated} was read as before it was kept on the task: a LIKE over its steps. */
    private boolean estimatedByPayloads(String taskId) {
        return !jdbc.queryForList("SELECT 1 FROM task_steps WHERE task_id = ? AND payload LIKE ?", Integer.class,
                taskId, "%\"tokensEstimated\":true%").isEmpty();
    }

    static TaskSpec spec(String id, String tenant) {
        return TaskSpec.of(id, tenant, "a recorded task").withMemoryMode(MemoryMode.READ_ONLY);
    }
}
