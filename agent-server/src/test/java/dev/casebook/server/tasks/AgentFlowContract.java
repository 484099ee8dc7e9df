package dev.casebook.server.tasks;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.ModelText;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The agent end to end: the running server, its REST API and SSE, run records in the database of the subclass, the
 * real LangChain4j client, and the scripted LLM server as the only fake. Each test scripts the LLM for its own task
 * text, so the tests do not see each other's requests.
 */
abstract class AgentFlowContract {
    static final String KEY = "agent-flow-key";
    /** Shared by the subclasses (their cached contexts point at it), so it lives as long as the test JVM. */
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;
    @Autowired
    Embedder embedder;
    @Autowired
    TaskQueries records;
    @Autowired
    dev.casebook.server.agent.Agent agent;
    @Autowired
    dev.casebook.server.memory.MemoryFeedback memoryFeedback;

    static void agentProperties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-flow");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "2");
        registry.add("casebook.models.planner.initial-backoff", () -> "20ms");
        registry.add("casebook.models.executor.model", () -> "scripted-executor");
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    TestClient api() {
        return new TestClient(port, KEY);
    }

    String create(String body) {
        TestClient.Reply r = api().post("/api/tasks", body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    /** Plan one calculator subtask, call the calculator, report, answer: the happy path. */
    static void scriptCalculatorTask(String marker, String expression, String result) {
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Compute " + expression + " with the calculator\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"" + expression + "\"}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text(expression + " = " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: " + result + "\"}"));
    }

    /** The role a case played for the task's planner; fails when it was not selected. */
    static String role(JsonNode task, String caseId) {
        for (JsonNode s : task.get("selected")) {
            if (s.get("caseId").asString().equals(caseId)) {
                return s.get("role").asString();
            }
        }
        throw new AssertionError("case " + caseId + " was not selected: " + task.get("selected"));
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    List<String> types(String id) {
        List<String> types = new ArrayList<>();
        api().get("/api/tasks/" + id + "/steps").json().forEach(s -> types.add(s.get("type").asString()));
        return types;
    }

    JsonNode step(String id, String type) {
        for (JsonNode s : api().get("/api/tasks/" + id + "/steps").json()) {
            if (s.get("type").asString().equals(type)) {
                return s;
            }
        }
        throw new AssertionError("task " + id + " has no step " + type);
    }

    @Test
    void feedback_makes_a_rewarded_case_that_a_similar_task_is_shown_as_an_example() {
        String first = "A spider has eight legs. How many legs do three spiders have together?";
        String second = "Spiders have 8 legs each; count the legs of 5 spiders.";
        float[] a = embedder.embed(first);
        float[] b = embedder.embed(second);
        assertThat(cosine(a, b)).as("the tasks are similar, but not near-duplicates").isBetween(0.3, 0.9);
        scriptCalculatorTask("three spiders", "3*8", "24");
        scriptCalculatorTask("5 spiders", "5*8", "40");

        String id1 = create("{\"text\":\"" + first + "\",\"memoryMode\":\"read-write\"}");
        JsonNode task1 = api().awaitTask(id1);
        assertThat(task1.get("answer").asString()).isEqualTo("24");
        String caseId = task1.get("caseId").asString();
        assertThat(step(id1, "memory_written").get("caseId").asString()).isEqualTo(caseId);
        JsonNode unrated = api().get("/api/cases/" + caseId).json();
        assertThat(unrated.get("task").asString()).isEqualTo(first);
        assertThat(unrated.get("answer").asString()).isEqualTo("24");
        assertThat(unrated.get("reward").asDouble()).isEqualTo(0.5);

        assertThat(api().post("/api/tasks/" + id1 + "/feedback", "{\"reward\":1}").status()).isEqualTo(200);
        JsonNode rated = api().get("/api/cases/" + caseId).json();
        assertThat(rated.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(rated.get("label").asString()).isEqualTo("positive");
        int uses = rated.get("uses").asInt();
        int successes = rated.get("successes").asInt();

        String id2 = create("{\"text\":\"" + second + "\",\"memoryMode\":\"read-write\"}");
        JsonNode task2 = api().awaitTask(id2);
        assertThat(task2.get("answer").asString()).isEqualTo("40");
        assertThat(role(task2, caseId)).isEqualTo("example");
        String planPrompt = LLM.requests(Match.interaction("plan").and(task("5 spiders"))).getFirst()
                .lastUserMessage();
        assertThat(planPrompt).contains("Examples to follow", "Task: " + first, "Answer: 24");
        assertThat(task2.get("caseId").asString()).isNotEqualTo(caseId);
        JsonNode used = api().get("/api/cases/" + caseId).json();
        assertThat(used.get("uses").asInt()).isEqualTo(uses + 1);
        assertThat(used.get("successes").asInt()).isEqualTo(successes);

        api().post("/api/tasks/" + id2 + "/feedback", "{\"reward\":1}");
        JsonNode credited = api().get("/api/cases/" + caseId).json();
        assertThat(credited.get("uses").asInt()).isEqualTo(uses + 1);
        assertThat(credited.get("successes").asInt()).isEqualTo(successes + 1);
        assertThat(api().post("/api/tasks/" + id2 + "/feedback", "{\"reward\":1}").status()).isEqualTo(409);
        assertThat(api().get("/api/cases/" + caseId).json().get("successes").asInt()).isEqualTo(successes + 1);
    }

    /** Issue 12: a person's rating stays when the same question is asked again unrated; the history shows why. */
    @Test
    void feedback_is_not_overwritten_by_a_later_unrated_episode_and_the_case_history_shows_every_event() {
        String text = "Feedback stays: please compute 17*23.";
        scriptCalculatorTask("Feedback stays", "17*23", "391");

        String id1 = create("{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        String caseId = api().awaitTask(id1).get("caseId").asString();
        assertThat(api().post("/api/tasks/" + id1 + "/feedback", "{\"reward\":1}").status()).isEqualTo(200);
        String id2 = create("{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        JsonNode task2 = api().awaitTask(id2);

        assertThat(task2.get("caseId").asString()).isEqualTo(caseId);
        JsonNode value = api().get("/api/cases/" + caseId).json();
        assertThat(value.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(value.get("label").asString()).isEqualTo("positive");
        assertThat(value.get("bank").asString()).isEqualTo("default");
        TestClient.Reply history = api().get("/api/cases/" + caseId + "/history");
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        history.json().get("events").forEach(e -> events.add(e.get("episode").asString() + "/"
                + e.get("rater").asString() + "/" + e.get("reward").asDouble() + "/" + e.get("task").asString()));
        assertThat(events).containsExactly(id1 + "/unrated/0.5/" + id1, id1 + "/feedback/1.0/" + id1,
                id2 + "/unrated/0.5/" + id2);
        assertThat(history.json().get("case").get("reward").asDouble()).isEqualTo(1.0);
        assertThat(api().get("/api/cases/" + UUID.randomUUID() + "/history").status()).isEqualTo(404);
    }

    @Test
    void a_near_duplicate_task_updates_its_case_and_a_bad_reward_makes_it_a_pitfall() {
        String text = "What is the product of 12 and 12, the gross?";
        scriptCalculatorTask("the gross", "12*12", "144");

        String id1 = create("{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        String caseId = api().awaitTask(id1).get("caseId").asString();
        api().post("/api/tasks/" + id1 + "/feedback", "{\"reward\":0}");
        String id2 = create("{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        JsonNode task2 = api().awaitTask(id2);

        assertThat(task2.get("caseId").asString()).isEqualTo(caseId);
        assertThat(step(id2, "memory_written").get("updatedExisting").asBoolean()).isTrue();
        assertThat(role(task2, caseId)).isEqualTo("pitfall");
        assertThat(LLM.requests(Match.interaction("plan").and(task("the gross"))).getLast().lastUserMessage())
                .contains("Pitfalls to avoid");
    }

    @Test
    void an_episode_that_failed_by_the_agents_fault_is_remembered_as_a_pitfall() {
        String marker = "remember my failure";
        LLM.fixedUsage(900, 200);
        scriptCalculatorTask(marker, "1+1", "2");

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"read-write\",\"budgets\":{\"tokens\":1000}}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("reason").asString()).isEqualTo("budget_tokens");
        assertThat(types(id)).containsSubsequence("stopped", "memory_written").doesNotContain("memory_skipped");
        JsonNode pitfall = api().get("/api/cases/" + step(id, "memory_written").get("caseId").asString()).json();
        assertThat(pitfall.get("task").asString()).isEqualTo(marker);
        assertThat(pitfall.get("label").asString()).isEqualTo("negative");
        assertThat(pitfall.get("reward").asDouble()).isEqualTo(0.0);
    }

    @Test
    void a_scored_run_outside_the_task_api_rewards_its_case_and_credits_what_it_selected() {
        String seed = "Scored run: how many minutes are there in 3 hours?";
        String scored = "Scored run: convert a duration of three hours into minutes, please.";
        assertThat(cosine(embedder.embed(seed), embedder.embed(scored))).as("similar, not near-duplicates")
                .isBetween(0.3, 0.9);
        scriptCalculatorTask("minutes are there in 3 hours", "3*60", "180");
        scriptCalculatorTask("three hours into minutes", "3*60", "180");
        String seedId = create("{\"text\":\"" + seed + "\",\"memoryMode\":\"read-write\"}");
        String seedCase = api().awaitTask(seedId).get("caseId").asString();
        int successes = api().get("/api/cases/" + seedCase).json().get("successes").asInt();

        var spec = dev.casebook.server.agent.TaskSpec.of(UUID.randomUUID().toString(), "tenant-flow", scored)
                .withMemoryMode(dev.casebook.memory.MemoryMode.READ_WRITE).withOrigin("eval:test:1");
        var outcome = agent.run(spec, step -> { });
        List<UUID> credited = memoryFeedback.apply(spec, outcome, 1.0, dev.casebook.memory.Rater.SCORER);

        assertThat(outcome).isInstanceOf(dev.casebook.server.agent.Outcome.Answered.class);
        UUID written = ((dev.casebook.server.agent.Outcome.Answered) outcome).caseId();
        assertThat(written.toString()).isNotEqualTo(seedCase);
        JsonNode runCase = api().get("/api/cases/" + written).json();
        assertThat(runCase.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(runCase.get("origin").asString()).isEqualTo("eval:test:1");
        assertThat(credited).contains(UUID.fromString(seedCase));
        assertThat(api().get("/api/cases/" + seedCase).json().get("successes").asInt()).isEqualTo(successes + 1);
    }

    @Test
    void a_task_run_again_after_its_server_stopped_rewrites_its_one_case_and_counts_no_use_twice() {
        String seed = "Run twice, seed: how many days are in 2 weeks?";
        String text = "Run twice: count the days of two weeks together.";
        scriptCalculatorTask("days are in 2 weeks", "2*7", "14");
        scriptCalculatorTask("days of two weeks", "2*7", "14");
        api().awaitTask(create("{\"text\":\"" + seed + "\",\"memoryMode\":\"read-write\"}"));
        Map<String, Integer> usesBefore = uses();
        var spec = dev.casebook.server.agent.TaskSpec.of(UUID.randomUUID().toString(), "tenant-flow", text)
                .withMemoryMode(dev.casebook.memory.MemoryMode.READ_WRITE);

        // the attempt whose server stopped before it recorded the outcome, then the task's run on another server
        var first = (dev.casebook.server.agent.Outcome.Answered) agent.run(spec, step -> { });
        var again = (dev.casebook.server.agent.Outcome.Answered) agent.run(spec, step -> { });

        assertThat(first.caseId()).isEqualTo(dev.casebook.server.agent.CasebookAgent.caseId(spec));
        assertThat(again.caseId()).isEqualTo(first.caseId());
        Map<String, Integer> usesAfter = uses();
        assertThat(usesAfter).hasSize(usesBefore.size() + 1);
        assertThat(usesAfter.get(first.caseId().toString())).isZero();
        assertThat(first.selected()).isNotEmpty();
        for (var pick : first.selected()) { // counted by the first run, not again by the second
            assertThat(usesAfter.get(pick.caseId().toString())).as(pick.task())
                    .isEqualTo(usesBefore.get(pick.caseId().toString()) + 1);
        }
        usesBefore.forEach((id, n) -> {
            if (first.selected().stream().noneMatch(p -> p.caseId().toString().equals(id))) {
                assertThat(usesAfter.get(id)).as(id).isEqualTo(n);
            }
        });
    }

    /** Uses of every case of the tenant, by id. */
    Map<String, Integer> uses() {
        Map<String, Integer> uses = new HashMap<>();
        api().get("/api/cases?size=200").json().get("items")
                .forEach(c -> uses.put(c.get("id").asString(), c.get("uses").asInt()));
        return uses;
    }

    /** Issue 12: a task chooses the banks its cases are selected from and the bank it writes its case to. */
    @Test
    void a_task_reads_only_the_banks_it_names_and_writes_its_case_to_its_bank() {
        String kept = "How many wheels do four bicycles have? (bank a)";
        String other = "Bicycles have two wheels each; how many wheels are on seven bicycles? (bank z)";
        String ndjson = "{\"task\": \"%s\", \"plan\": \"multiply 4 by 2\", \"answer\": \"8\", \"reward\": 1}\n";
        assertThat(importInto("tb-a", ndjson.formatted(kept)).status()).isEqualTo(200);
        assertThat(importInto("tb-z", ndjson.formatted(other)).status()).isEqualTo(200);
        String inA = api().get("/api/cases?bank=tb-a").json().get("items").get(0).get("id").asString();
        String inZ = api().get("/api/cases?bank=tb-z").json().get("items").get(0).get("id").asString();
        scriptCalculatorTask("bicycles with banks", "5*2", "10");
        scriptCalculatorTask("bicycles, everywhere", "6*2", "12");

        String everywhere = create("{\"text\":\"How many wheels do six bicycles have? (bicycles, everywhere)\","
                + "\"memoryMode\":\"read-only\"}");
        JsonNode all = api().awaitTask(everywhere);
        assertThat(role(all, inA)).isNotNull();
        assertThat(role(all, inZ)).as("without 'banks' every bank is read").isNotNull();
        assertThat(all.get("bank").asString()).isEqualTo("default");
        assertThat(all.get("banks")).isEmpty();

        String id = create("{\"text\":\"How many wheels do five bicycles have? (bicycles with banks)\","
                + "\"memoryMode\":\"read-write\",\"bank\":\"tb-b\",\"banks\":[\"tb-a\"]}");
        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo("10");
        List<String> selected = new ArrayList<>();
        task.get("selected").forEach(c -> selected.add(c.get("caseId").asString()));
        assertThat(selected).contains(inA).doesNotContain(inZ);
        assertThat(task.get("bank").asString()).isEqualTo("tb-b");
        assertThat(task.get("banks").get(0).asString()).isEqualTo("tb-a");
        JsonNode written = api().get("/api/cases/" + task.get("caseId").asString()).json();
        assertThat(written.get("bank").asString()).isEqualTo("tb-b");
        assertThat(api().get("/api/cases?bank=tb-b").json().get("total").asInt()).isEqualTo(1);
        assertThat(api().get("/api/cases/banks").body()).contains("\"tb-b\"");
        dev.casebook.server.agent.TaskSpec rebuilt = records.spec(id);
        assertThat(rebuilt.banks()).as("any replica rebuilds the banks from the run record")
                .isEqualTo(new dev.casebook.server.agent.MemoryBanks("tb-b", Set.of("tb-a")));
    }

    @Test
    void a_read_write_task_is_refused_a_read_only_bank_and_bank_names_are_checked() {
        assertThat(importInto("tb-ro", "{\"task\": \"Frozen reference (tb-ro)\", \"plan\": \"recall\"}\n")
                .status()).isEqualTo(200);
        TestClient.Reply frozen = api().send(api().request("/api/cases/banks/tb-ro").header("Content-Type",
                "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(
                "{\"readOnly\": true}")));
        assertThat(frozen.status()).as(frozen.body()).isEqualTo(200);
        long before = api().get("/api/tasks?size=100").json().get("total").asLong();

        TestClient.Reply refused = api().post("/api/tasks", "{\"text\":\"Write here (tb-ro)\",\"memoryMode\":"
                + "\"read-write\",\"bank\":\"tb-ro\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asString()).startsWith("bank 'tb-ro' is read-only");
        TestClient.Reply badWrite = api().post("/api/tasks", "{\"text\":\"Bad bank\",\"bank\":\"no spaces allowed\"}");
        assertThat(badWrite.status()).as(badWrite.body()).isEqualTo(400);
        assertThat(badWrite.json().get("detail").asString()).startsWith("field 'bank': a bank name is");
        TestClient.Reply badRead = api().post("/api/tasks", "{\"text\":\"Bad bank\",\"banks\":[\"ok\", \"/etc\"]}");
        assertThat(badRead.status()).as(badRead.body()).isEqualTo(400);
        assertThat(badRead.json().get("detail").asString()).startsWith("field 'banks': a bank name is");
        assertThat(api().get("/api/tasks?size=100").json().get("total").asLong()).as("nothing recorded")
                .isEqualTo(before);
    }

    TestClient.Reply importInto(String bank, String ndjson) {
        return api().send(api().request("/api/cases/import?bank=" + bank).header("Content-Type",
                "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(ndjson)));
    }

    @Test
    void read_only_memory_selects_cases_but_writes_nothing() {
        String text = "Read-only: what is 7*6, the answer to everything?";
        scriptCalculatorTask("answer to everything", "7*6", "42");
        long before = api().get("/api/cases?size=200").json().get("total").asLong();

        String id = create("{\"text\":\"" + text + "\",\"memoryMode\":\"read-only\"}");
        JsonNode task = api().awaitTask(id);

        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("caseId").isNull()).isTrue();
        assertThat(types(id)).contains("cases_selected").doesNotContain("memory_written");
        assertThat(api().get("/api/cases?size=200").json().get("total").asLong()).isEqualTo(before);
    }

    @Test
    void plans_calls_the_calculator_and_answers_with_steps_streamed() throws Exception {
        scriptCalculatorTask("17*23", "17*23", "391");

        String id = create("{\"text\":\"What is 17*23?\",\"memoryMode\":\"off\"}");
        String events = TaskApiContract.events(api(), id);

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("391");
        assertThat(task.get("tokens").asLong()).isPositive();
        assertThat(events).contains("event:planned", "event:tool_called", "event:tool_returned",
                "event:subtask_done", "event:answered", "event:end");
        assertThat(events.indexOf("event:planned")).isLessThan(events.indexOf("event:tool_called"));
        assertThat(events.indexOf("event:tool_called")).isLessThan(events.indexOf("event:answered"));
        JsonNode returned = step(id, "tool_returned");
        assertThat(returned.get("tool").asString()).isEqualTo("calculator");
        assertThat(returned.get("ok").asBoolean()).isTrue();
        assertThat(returned.get("result").asString()).isEqualTo("391");
        assertThat(step(id, "planned").get("tokens").asLong()).isPositive();
        // the tool result went back to the executor paired with its call
        LlmRequest afterTool = LLM.requests(Match.interaction("execute").and(Match.afterToolResult())).getFirst();
        assertThat(afterTool.toolResults()).containsExactly("391");
        assertThat(afterTool.header("X-Casebook-Interaction")).isEqualTo("execute");
        assertThat(afterTool.model()).isEqualTo("scripted-executor");
        assertThat(LLM.requests(Match.interaction("plan")).getFirst().model()).isEqualTo("scripted-planner");
        assertThat(LLM.unmatched()).isEmpty();
    }

    @Test
    void forces_a_final_answer_when_the_planning_rounds_run_out() {
        String marker = "rounds-run-out";
        LLM.when(Match.interaction("plan").or(Match.interaction("replan")).and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"look a little further\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker))).reply(Reply.text("found: the answer may be 42"));
        LLM.when(Match.interaction("answer").and(task(marker)))
                .reply(Reply.text("From the findings, the best answer is 42.\nFINAL ANSWER: 42"));

        String id = create("{\"text\":\"Think hard: " + marker + "\",\"memoryMode\":\"off\","
                + "\"budgets\":{\"plannerIterations\":2}}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("42");
        assertThat(LLM.requests(Match.interaction("plan").or(Match.interaction("replan")))).hasSize(2);
        assertThat(types(id)).containsSubsequence("planned", "subtask_done", "planned", "subtask_done", "stopped",
                "answered");
        assertThat(step(id, "stopped").get("reason").asString()).isEqualTo("budget_planner_iterations");
        assertThat(step(id, "answered").get("forced").asBoolean()).isTrue();
        assertThat(LLM.requests(Match.interaction("answer")).getFirst().lastUserMessage())
                .contains("found: the answer may be 42");
    }

    @Test
    void a_plan_returned_as_the_forced_answer_is_never_the_answer() {
        String marker = "plan-as-answer";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("{\"subtasks\": [\"search\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker))).reply(Reply.text("nothing found"));
        LLM.when(Match.interaction("answer").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"search again\"]}"), Reply.text("FINAL ANSWER: unknown"));

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\",\"budgets\":{\"plannerIterations\":1}}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo("unknown");
        assertThat(LLM.requests(Match.interaction("answer"))).hasSize(2);
    }

    @Test
    void repairs_sloppy_plan_json_and_retries_a_reply_that_is_not_a_plan() {
        String marker = "sloppy-json";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(
                Reply.text("I think we should just start."),
                ModelText.saying("Here it is:").fenced("{subtasks: ['add 2 and 2',], }").reply());
        LLM.when(Match.interaction("execute").and(task(marker))).reply(Reply.text("4"));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"4\"}"));

        String id = create("{\"text\":\"" + marker + ": 2+2\",\"memoryMode\":\"off\"}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("4");
        List<LlmRequest> plans = LLM.requests(Match.interaction("plan"));
        assertThat(plans).hasSize(2);
        assertThat(plans.get(1).lastUserMessage()).contains("That reply is not a valid plan");
        assertThat(step(id, "planned").get("subtasks").get(0).asString()).isEqualTo("add 2 and 2");
    }

    @Test
    void fails_with_invalid_plan_when_the_planner_never_writes_json() {
        String marker = "never-json";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("no plan, sorry"));

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\"}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("invalid_plan");
        assertThat(task.get("detail").asString()).contains("no valid JSON plan in 3 attempts")
                .contains("no plan, sorry");
        assertThat(LLM.requests(Match.interaction("plan"))).hasSize(3);
    }

    @Test
    void a_malformed_tool_call_and_a_hallucinated_tool_are_answered_as_text_for_the_model() {
        String marker = "bad-tool-calls";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("{\"subtasks\": [\"compute\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker))).reply(
                Reply.malformedToolCall("calculator"),
                Reply.toolCall("teleport", "{\"to\": \"answer\"}"),
                Reply.toolCall("calculator", "{\"expression\": \"6*7\"}"),
                Reply.text("6*7 = 42"));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"42\"}"));

        String id = create("{\"text\":\"" + marker + ": 6*7\",\"memoryMode\":\"off\"}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("42");
        List<JsonNode> returned = new ArrayList<>();
        api().get("/api/tasks/" + id + "/steps").json().forEach(s -> {
            if (s.get("type").asString().equals("tool_returned")) {
                returned.add(s);
            }
        });
        assertThat(returned).hasSize(3);
        assertThat(returned.get(0).get("ok").asBoolean()).isFalse();
        assertThat(returned.get(0).get("result").asString()).contains("not valid JSON");
        assertThat(returned.get(1).get("ok").asBoolean()).isFalse();
        assertThat(returned.get(1).get("result").asString())
                .startsWith("there is no tool named 'teleport'; the available tools are: ")
                .contains("calculator", "web_search", "fetch_page", "read_document", "execute_code");
        assertThat(returned.get(2).get("result").asString()).isEqualTo("42");
        List<LlmRequest> executes = LLM.requests(Match.interaction("execute"));
        assertThat(executes.getLast().toolResults()).hasSize(3);
    }

    @Test
    void a_rate_limited_call_is_retried_and_the_task_succeeds() {
        String marker = "rate-limited";
        scriptCalculatorTask(marker, "2^10", "1024");
        LLM.reset();
        LLM.when(Match.interaction("plan").and(task(marker))).times(1).reply(Reply.rateLimited());
        scriptCalculatorTask(marker, "2^10", "1024");

        String id = create("{\"text\":\"" + marker + ": what is 2^10?\",\"memoryMode\":\"off\"}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("1024");
        assertThat(LLM.requests(Match.interaction("plan"))).hasSize(2);
    }

    @Test
    void fails_clearly_when_the_llm_stays_unavailable() {
        String marker = "llm-down";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.status(503, "overloaded"));

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\"}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("llm_unavailable");
        assertThat(task.get("detail").asString())
                .startsWith("the planner LLM (scripted-planner at " + LLM.baseUrl() + ") gave no reply to 'plan' "
                        + "after 3 attempts; last error: HTTP 503");
        assertThat(LLM.requests(Match.interaction("plan"))).hasSize(3);
        assertThat(step(id, "stopped").get("reason").asString()).isEqualTo("llm_unavailable");
    }

    @Test
    void the_token_budget_ends_the_task_with_its_reason() {
        String marker = "token-budget";
        LLM.fixedUsage(900, 200);
        scriptCalculatorTask(marker, "1+1", "2");

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\",\"budgets\":{\"tokens\":1000}}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("budget_tokens");
        assertThat(task.get("detail").asString()).contains("1100 used");
        assertThat(LLM.requests(Match.interaction("execute"))).isEmpty();
    }

    @Test
    void the_wall_time_budget_ends_a_task_whose_llm_hangs() {
        String marker = "wall-time";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("{\"subtasks\": [\"wait\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker))).reply(Reply.hang());

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\",\"budgets\":{\"wallSeconds\":2}}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("budget_time");
    }

    @Test
    void the_executor_step_budget_ends_the_subtask_with_its_reason() {
        String marker = "executor-steps";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("{\"subtasks\": [\"loop\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"1+1\"}"));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"2\"}"));

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\",\"budgets\":{\"executorSteps\":2}}");

        JsonNode task = api().awaitTask(id);
        assertThat(LLM.requests(Match.interaction("execute"))).hasSize(2);
        assertThat(step(id, "stopped").get("reason").asString()).isEqualTo("budget_executor_steps");
        assertThat(step(id, "subtask_done").get("result").asString()).startsWith("[incomplete");
        assertThat(task.get("answer").asString()).isEqualTo("2");
    }

    @Test
    void cancelling_a_running_task_stops_it() throws Exception {
        String marker = "cancel-me";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.hang());

        String id = create("{\"text\":\"" + marker + "\",\"memoryMode\":\"off\"}");
        assertThat(LLM.awaitRequests(1, Duration.ofSeconds(120))).isTrue();
        TestClient.Reply cancelled = api().post("/api/tasks/" + id + "/cancel", "");

        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(202);
        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("cancelled");
        assertThat(step(id, "stopped").get("reason").asString()).isEqualTo("cancelled");
    }

    @Test
    void many_concurrent_tasks_run_without_blocking_each_other() throws Exception {
        String marker = "concurrent-";
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.dynamic(r -> Reply.text("{\"subtasks\": [\"compute it\"]}")).after(Duration.ofMillis(100)));
        LLM.when(Match.interaction("execute").and(task(marker)))
                .reply(Reply.text("done").after(Duration.ofMillis(100)));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.dynamic(r -> {
            String text = r.lastUserMessage();
            int at = text.indexOf(marker) + marker.length();
            return Reply.text("{\"answer\": \"" + text.substring(at, text.indexOf(' ', at)) + "\"}");
        }).after(Duration.ofMillis(100)));

        int n = 40;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                ids.add(clients.submit(() -> create("{\"text\":\"" + marker + k + " please\",\"memoryMode\":\"off\"}")));
            }
            for (int i = 0; i < n; i++) {
                JsonNode task = api().awaitTask(ids.get(i).get());
                assertThat(task.get("status").asString()).isEqualTo("answered");
                assertThat(task.get("answer").asString()).isEqualTo(Integer.toString(i));
            }
        }
        assertThat(LLM.requests(Match.interaction("plan"))).hasSize(n);
    }
}
