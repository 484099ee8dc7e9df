package dev.casebook.server.tasks;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.ModelText;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Distilled insights end to end (issue 19 item 3): rated real tasks of one family make the server distil an insight
 * off the tasks' threads (the {@code distil} interaction of the scripted server), {@code GET /api/memory/insights}
 * lists it for its tenant only, and the next task of the family is shown it in its plan prompt and records it in its
 * {@code cases_selected} step; once deleted ({@code DELETE /api/memory/insights/{id}}) it is no longer shown. A
 * truncated distil reply writes nothing, is counted, and fails no task; so does a distil reply cut inside its
 * reasoning that the server still ends as finished, though its reasoning holds a draft insight. Plans and answers come
 * as reasoning models write them: a {@code <think>} block with a draft JSON object before the reply, prose around a
 * fenced object.
 *
 * <p>A context of its own (H2 and Lucene, as {@link AgentFlowH2IT}) rather than {@code AgentFlowH2IT}'s with
 * insights on: there, distillations started by other tests' feedback would reach the shared scripted server while
 * other tests assert that it saw no unscripted request.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:insightsflow;DB_CLOSE_DELAY=-1")
class InsightsFlowIT {
    static final String KEY = "insights-flow-key";
    static final String OTHER_KEY = "insights-flow-other-key";
    static final String THIRD_KEY = "insights-flow-third-key";
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @LocalServerPort
    int port;
    @Autowired
    Embedder embedder;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-insights");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-elsewhere");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(OTHER_KEY));
        registry.add("casebook.security.api-keys[2].tenant", () -> "tenant-third");
        registry.add("casebook.security.api-keys[2].sha256", () -> ApiKeys.sha256(THIRD_KEY));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "0");
        registry.add("casebook.models.executor.model", () -> "scripted-executor");
        registry.add("casebook.memory.store", () -> "lucene");
        String dir = "target/insights-flow-" + UUID.randomUUID();
        registry.add("casebook.memory.dir", () -> dir + "/cases");
        registry.add("casebook.memory.insights.enabled", () -> "true");
        registry.add("casebook.memory.insights.dir", () -> dir + "/insights");
        registry.add("casebook.memory.insights.family-similarity", () -> FAMILY_SIMILARITY);
        registry.add("casebook.memory.insights.min-family-size", () -> "3");
    }

    static final String FAMILY_SIMILARITY = "0.6";

    @AfterAll
    static void close() {
        LLM.close();
    }

    TestClient api() {
        return new TestClient(port, KEY);
    }

    /**
     * A task that plans one subtask, reports it, and answers {@code answer}; its requests found by {@code marker}. The
     * plan's reasoning holds a draft answer, which read as the reply would answer at once with a wrong value.
     */
    static void script(String marker, String answer) {
        LLM.when(Match.interaction("plan").and(Match.task(marker))).reply(ModelText
                .thinking("Answer at once, {\"answer\": \"FINAL ANSWER: 0\"}? No, one step will do.")
                .then("{\"subtasks\": [\"Work out: " + marker + "\"]}").reply());
        LLM.when(Match.interaction("execute").and(Match.task(marker))).reply(Reply.text(answer));
        LLM.when(Match.interaction("replan").and(Match.task(marker))).reply(ModelText.saying("The subtask is done.")
                .fenced("{\"answer\": \"FINAL ANSWER: " + answer + "\"}").line("Anything else?").reply());
    }

    /** Runs the task to its answer and rates it; returns its case id. */
    String runAndRate(String text, String answer, double reward) {
        return runAndRate(api(), text, answer, reward);
    }

    String runAndRate(TestClient api, String text, String answer, double reward) {
        script(text, answer);
        TestClient.Reply created = api.post("/api/tasks", "{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").asString();
        JsonNode task = api.awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo(answer);
        TestClient.Reply rated = api.post("/api/tasks/" + id + "/feedback", "{\"reward\":" + reward + "}");
        assertThat(rated.status()).as(rated.body()).isEqualTo(200);
        return task.get("caseId").asString();
    }

    static Predicate<LlmRequest> mentions(String text) {
        return request -> request.lastUserMessage().contains(text);
    }

    double distillations(String outcome) {
        return meters.get("casebook.memory.insights.distillations").tag("outcome", outcome).counter().count();
    }

    /** The tenant's insights whose evidence holds one of {@code caseIds}. */
    List<JsonNode> insightsOf(TestClient client, List<String> caseIds) {
        TestClient.Reply listed = client.get("/api/memory/insights");
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode insight : listed.json().get("items")) {
            for (JsonNode id : insight.get("caseIds")) {
                if (caseIds.contains(id.asString())) {
                    found.add(insight);
                    break;
                }
            }
        }
        return found;
    }

    @Test
    void rated_tasks_of_one_family_are_distilled_into_an_insight_that_the_next_task_of_the_family_is_shown() {
        List<String> family = List.of("Convert 3 miles to kilometres.", "How many kilometres are 40 miles?",
                "Convert 12 miles into kilometres.");
        String next = "Convert 100 miles to kilometres.";
        assertOneFamily(family);
        LLM.when(Match.interaction("distil").and(mentions(family.getFirst()))).reply(
                ModelText.thinking("The successes multiply by the exact factor; the failure rounded to 1.6.")
                        .line("Looking at these tasks, here is the lesson:").fenced("""
                        {"family": "mile to kilometre conversions",
                         "insight": "For mile to km conversions, multiply by 1.609344; avoid rounding to 1.6.",}""")
                        .line("I hope this helps.").reply());

        List<String> caseIds = List.of(runAndRate(family.get(0), "4.83", 1), runAndRate(family.get(1), "64.37", 1),
                runAndRate(family.get(2), "19.2", 0));

        JsonNode insight = eventually("the family's insight", () -> insightsOf(api(), caseIds),
                found -> !found.isEmpty() && found.getFirst().get("members").asInt() == 3).getFirst();
        assertThat(insight.get("text").asString())
                .isEqualTo("For mile to km conversions, multiply by 1.609344; avoid rounding to 1.6.");
        assertThat(insight.get("family").asString()).isEqualTo("mile to kilometre conversions");
        assertThat(insight.get("successes").asInt()).isEqualTo(2);
        assertThat(insight.get("failures").asInt()).isEqualTo(1);
        assertThat(insight.get("caseIds")).extracting(JsonNode::asString).containsExactlyInAnyOrderElementsOf(caseIds);
        assertThat(insightsOf(api(), caseIds)).as("one insight per family, revised in place").hasSize(1);
        assertThat(LLM.requests(Match.interaction("distil")).getLast().lastUserMessage())
                .contains("Successful tasks of this family:", family.get(0), family.get(1),
                        "Failed tasks of this family:", family.get(2));
        assertThat(insightsOf(new TestClient(port, OTHER_KEY), caseIds)).as("another tenant's listing").isEmpty();

        script(next, "160.93");
        String id = api().post("/api/tasks", "{\"text\":\"" + next + "\",\"memoryMode\":\"read-only\"}").json()
                .get("id").asString();
        assertThat(api().awaitTask(id).get("answer").asString()).isEqualTo("160.93");
        String planPrompt = LLM.requests(Match.interaction("plan").and(Match.task(next))).getFirst()
                .lastUserMessage();
        assertThat(planPrompt).contains("Insights: lessons learned from groups of past tasks",
                "For mile to kilometre conversions: For mile to km conversions, multiply by 1.609344; avoid rounding "
                        + "to 1.6. (from 2 successful and 1 failed tasks)");
        JsonNode selected = step(id, "cases_selected");
        assertThat(selected.get("insights")).hasSize(1);
        assertThat(selected.get("insights").get(0).get("insightId").asString())
                .isEqualTo(insight.get("id").asString());
        assertThat(selected.get("insights").get(0).get("text").asString()).isEqualTo(insight.get("text").asString());
        assertThat(selected.get("insights").get(0).get("score").asDouble())
                .isGreaterThanOrEqualTo(0.7); // casebook.memory.insights.min-similarity's default

        deletedInsightIsNoLongerShown(insight.get("id").asString(), caseIds);
    }

    /**
     * An operator deletes the family's wrong lesson: other tenants and malformed ids get problems, the tenant's
     * listing loses it, and the next task of the family is planned without an Insights section.
     */
    void deletedInsightIsNoLongerShown(String insightId, List<String> caseIds) {
        eventually("no distillation queued or running", () -> meters.get("casebook.memory.insights.pending")
                .gauge().value(), pending -> pending == 0);
        String path = "/api/memory/insights/" + insightId;
        TestClient.Reply foreign = new TestClient(port, OTHER_KEY).method("DELETE", path, null);
        assertThat(foreign.status()).as(foreign.body()).isEqualTo(404);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
        assertThat(foreign.detail()).isEqualTo("no insight with id '" + insightId
                + "' (GET /api/memory/insights lists this tenant's insights)");
        TestClient.Reply malformed = api().method("DELETE", "/api/memory/insights/42", null);
        assertThat(malformed.status()).as(malformed.body()).isEqualTo(400);
        assertThat(malformed.contentType()).startsWith("application/problem+json");
        assertThat(malformed.detail())
                .isEqualTo("an insight id is a UUID (as GET /api/memory/insights lists them), was '42'");
        assertThat(insightsOf(api(), caseIds)).as("still there after the refused deletions").hasSize(1);

        TestClient.Reply deleted = api().method("DELETE", path, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(insightsOf(api(), caseIds)).isEmpty();
        TestClient.Reply again = api().method("DELETE", path, null);
        assertThat(again.status()).as(again.body()).isEqualTo(404);
        assertThat(again.contentType()).startsWith("application/problem+json");

        String after = "Convert 7 miles to kilometres.";
        script(after, "11.27");
        String id = api().post("/api/tasks", "{\"text\":\"" + after + "\",\"memoryMode\":\"read-only\"}").json()
                .get("id").asString();
        assertThat(api().awaitTask(id).get("answer").asString()).isEqualTo("11.27");
        String planPrompt = LLM.requests(Match.interaction("plan").and(Match.task(after))).getFirst()
                .lastUserMessage();
        assertThat(planPrompt).as("the family's cases are still shown").contains(caseTask(caseIds.getFirst()));
        assertThat(planPrompt).doesNotContain("Insights:", "multiply by 1.609344");
        assertThat(step(id, "cases_selected").path("insights")).isEmpty();
    }

    String caseTask(String caseId) {
        return api().get("/api/cases/" + caseId).json().get("task").asString();
    }

    /** Another tenant's, so that its family cannot take in the other test's conversions. */
    @Test
    void a_truncated_distil_reply_leaves_no_insight_is_counted_and_the_tasks_still_succeed() {
        TestClient api = new TestClient(port, OTHER_KEY);
        List<String> family = List.of("Convert 20 degrees Celsius to Fahrenheit.",
                "What is 35 degrees Celsius in Fahrenheit?", "Convert 5 Celsius degrees into Fahrenheit.");
        LLM.when(Match.interaction("distil").and(mentions(family.getFirst())))
                .reply(ModelText.cutWhileThinking("The successes all multiply by nine fifths and").reply().truncated());
        assertOneFamily(family);
        double failedBefore = distillations("failed");

        List<String> caseIds = List.of(runAndRate(api, family.get(0), "68", 1),
                runAndRate(api, family.get(1), "95", 1), runAndRate(api, family.get(2), "41", 1));

        eventually("the truncated distillation counted as failed", () -> distillations("failed"),
                failed -> failed > failedBefore);
        assertThat(LLM.requests(Match.interaction("distil").and(mentions(family.getFirst())))).isNotEmpty();
        assertThat(insightsOf(api, caseIds)).isEmpty();
        for (String caseId : caseIds) {
            assertThat(api.get("/api/cases/" + caseId).json().get("label").asString()).isEqualTo("positive");
        }

        String next = "Convert 100 degrees Celsius to Fahrenheit.";
        script(next, "212");
        String id = api.post("/api/tasks", "{\"text\":\"" + next + "\",\"memoryMode\":\"read-only\"}").json()
                .get("id").asString();
        assertThat(api.awaitTask(id).get("answer").asString()).isEqualTo("212");
        assertThat(LLM.requests(Match.interaction("plan").and(Match.task(next))).getFirst()
                .lastUserMessage()).doesNotContain("Insights:");
    }

    /**
     * Cut inside its reasoning, yet ended as finished (as servers that lose the finish reason send it): the reply has
     * no text, and the draft insight in the reasoning is not taken for one. Its own tenant, so its family is its own.
     */
    @Test
    void a_distil_reply_cut_while_thinking_leaves_no_insight_though_its_reasoning_drafts_one() {
        TestClient api = new TestClient(port, THIRD_KEY);
        List<String> family = List.of("Convert 5 kilograms to pounds.", "How many pounds are 30 kilograms?",
                "Convert 8 kilograms into pounds.");
        LLM.when(Match.interaction("distil").and(mentions(family.getFirst()))).reply(ModelText.cutWhileThinking(
                "Draft: {\"family\": \"kilograms to pounds\", \"insight\": \"Multiply by 2.\"} but the factor is")
                .reply());
        assertOneFamily(family);
        double declinedBefore = distillations("declined");

        List<String> caseIds = List.of(runAndRate(api, family.get(0), "11.02", 1),
                runAndRate(api, family.get(1), "66.14", 1), runAndRate(api, family.get(2), "17.64", 1));

        eventually("the distillation declined", () -> distillations("declined"),
                declined -> declined > declinedBefore);
        eventually("no distillation queued or running", () -> meters.get("casebook.memory.insights.pending")
                .gauge().value(), pending -> pending == 0);
        assertThat(LLM.requests(Match.interaction("distil").and(mentions(family.getFirst())))).isNotEmpty();
        assertThat(insightsOf(api, caseIds)).isEmpty();
    }

    @Test
    void the_listing_and_deletion_are_described_in_openapi_and_refuse_a_missing_key_as_a_problem() {
        JsonNode docs = new TestClient(port).get("/v3/api-docs").json();
        JsonNode listing = docs.path("paths").path("/api/memory/insights").path("get");
        assertThat(listing.path("summary").asString()).isEqualTo("The tenant's distilled insights");
        assertThat(docs.path("paths").path("/api/memory/insights/{id}").path("delete").path("summary").asString())
                .isEqualTo("Delete a distilled insight");
        TestClient.Reply anonymousDelete = new TestClient(port).method("DELETE",
                "/api/memory/insights/" + UUID.randomUUID(), null);
        assertThat(anonymousDelete.status()).isEqualTo(401);
        assertThat(anonymousDelete.contentType()).startsWith("application/problem+json");
        TestClient.Reply anonymous = new TestClient(port).get("/api/memory/insights");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
    }

    JsonNode step(String id, String type) {
        for (JsonNode s : api().get("/api/tasks/" + id + "/steps").json()) {
            if (s.get("type").asString().equals(type)) {
                return s;
            }
        }
        throw new AssertionError("task " + id + " has no step " + type);
    }

    /** Every two tasks within the family similarity of each other, none a near-duplicate (0.95) of another. */
    void assertOneFamily(List<String> family) {
        for (String a : family) {
            for (String b : family) {
                if (!a.equals(b)) {
                    assertThat(cosine(embedder.embed(a), embedder.embed(b))).as(a + " / " + b)
                            .isBetween(Double.parseDouble(FAMILY_SIMILARITY), 0.95);
                }
            }
        }
    }

    static double cosine(float[] a, float[] b) {
        return dev.casebook.memory.embedding.Vectors.cosine(a, b);
    }
}
