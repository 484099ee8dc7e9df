package dev.casebook.server.storage;

import static dev.casebook.testkit.Eventually.eventually;
import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.TestPostgres;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.ModelText;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A hostile model against the whole server on PostgreSQL (run records and pgvector case memory): its replies carry
 * U+0000 and unpaired surrogates, sent escaped in the HTTP body and written as JSON escapes inside the JSON the model
 * is asked for, in its reasoning, plan, tool-call arguments, answers, world-model observations and verdicts, and a
 * generated task; the replies come as real servers send them: a {@code <think>} block holding a draft JSON object
 * before the reply, prose around a fenced object, a plan cut at the token limit inside its reasoning. They are stored
 * with U+FFFD in their place, only the reply after the reasoning counts, and every kind of unit (a task, an
 * evaluation item, a dream rollout, a sandbox rollout) ends once, after one LLM attempt, within its budget. Where
 * recording genuinely fails (constraints of the test schema refuse an answer, or a step), the unit ends failed with
 * reason {@code internal_error} and its claim is released; before, such a unit was dropped with its claim held (a task
 * ran three times and ended {@code interrupted}; a batch item stayed running and its run never completed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileModelTextIT {
    static final String KEY = "hostile-text-key";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Hostile characters as a reply's text carries them (the scripted server escapes them in its HTTP body). */
    static final String RAW = "nul\u0000byte lone\ud800high lone\udc00low";
    /** The same, written by the model as escapes inside the JSON it answers with. */
    static final String ESCAPED = "nul\\u0000byte lone\\ud800high lone\\udc00low";
    /** How they are stored and read back. */
    static final String STORED = "nul\uFFFDbyte lone\uFFFDhigh lone\uFFFDlow";
    /** An answer the test schema refuses to store (constraint {@code refuses_answer}). */
    static final String UNRECORDABLE_ANSWER = "unrecordable answer";
    /**
     * A draft answer a reasoning model writes in its reasoning before the reply it gives: read as part of the reply,
     * it would be the first JSON object and answer 41.
     */
    static final String DRAFT = "{\"answer\": \"FINAL ANSWER: 41\"}";
    /** A plan the test schema refuses to store as a step (constraint {@code refuses_step}). */
    static final String UNRECORDABLE_STEP = "unrecordable step";

    final ScriptedLlmServer llm = ScriptedLlmServer.start();
    TestPostgres.Schema schema;
    ConfigurableApplicationContext server;
    Path datasets;

    @BeforeAll
    void start() throws Exception {
        schema = TestPostgres.get().newSchema("hostiletext");
        datasets = Files.createTempDirectory("hostile-datasets");
        server = new SpringApplicationBuilder(CasebookApplication.class).run("--server.port=0",
                "--spring.datasource.url=" + schema.url(), "--spring.datasource.username=" + schema.user(),
                "--spring.datasource.password=" + schema.password(), "--spring.flyway.schemas=" + schema.name(),
                "--casebook.tasks.instance-id=hostile-node",
                "--casebook.attachments.dir=target/attachments-" + UUID.randomUUID(),
                "--casebook.evaluation.upload-dir=target/datasets-" + UUID.randomUUID(),
                "--casebook.evaluation.dataset-root=" + datasets, "--casebook.memory.store=pgvector",
                "--casebook.memory.duplicate-threshold=0.999", "--casebook.synthesis.replay.ingest-interval=1s",
                "--casebook.security.enabled=true", "--casebook.security.api-keys[0].tenant=hostile",
                "--casebook.security.api-keys[0].sha256=" + ApiKeys.sha256(KEY),
                "--casebook.models.planner.base-url=" + llm.baseUrl(), "--casebook.models.planner.model=scripted",
                "--casebook.models.planner.timeout=60s", "--casebook.models.planner.max-retries=0",
                "--casebook.sandbox-tasks.validator-time=60s");
        sql("ALTER TABLE tasks ADD CONSTRAINT refuses_answer CHECK (answer IS NULL OR answer NOT LIKE '%"
                + UNRECORDABLE_ANSWER + "%')");
        sql("ALTER TABLE task_steps ADD CONSTRAINT refuses_step CHECK (payload NOT LIKE '%" + UNRECORDABLE_STEP
                + "%')");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        llm.close();
    }

    @BeforeEach
    void fresh() {
        llm.reset();
    }

    @Test
    void a_task_given_hostile_text_stores_it_replaced_and_ends_once_within_its_budget() throws Exception {
        scriptEpisode("Hostile task", "42 " + ESCAPED);
        JsonNode task = awaitTask(submit("Hostile task: what is 6*7?", "read-write"));

        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("42 " + STORED);
        // once: not taken back and run again (a run that hung would end budget_time or be restarted)
        assertThat(task.get("attempt").asInt()).isEqualTo(1);
        assertThat(llm.requests(Match.interaction("plan").and(task("Hostile task")))).as("one attempt").hasSize(1);
        List<String> types = new ArrayList<>();
        get("/api/tasks/" + task.get("id").asString() + "/steps").forEach(s -> types.add(s.get("type").asString()));
        assertThat(types).containsSubsequence("planned", "tool_called", "tool_returned", "answered",
                "memory_written");
        JsonNode writtenCase = get("/api/cases/" + task.get("caseId").asString());
        assertThat(writtenCase.get("answer").asString()).isEqualTo("42 " + STORED);
        // the plan is the planner's JSON: its U+0000 stays escaped there (\u0000), storable as it is
        assertThat(writtenCase.get("plan").asString()).contains("Compute 6*7 nul\\u0000byte lone\uFFFDhigh")
                .doesNotContain("\u0000");

        // the replay buffer reads the finished task: the calculator's observation carries what the model sent it
        JsonNode transition = awaitTransition("Hostile task: what is 6*7?");
        assertThat(transition.get("observation").asString()).contains("6*7 " + STORED);
    }

    @Test
    void a_task_whose_outcome_cannot_be_recorded_ends_failed_and_releases_its_claim() throws Exception {
        scriptEpisode("Refused answer task", UNRECORDABLE_ANSWER);
        JsonNode task = awaitTask(submit("Refused answer task: what is 6*7?", "off"));

        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("internal_error");
        assertThat(task.get("detail").asString()).startsWith("its outcome (answered) could not be recorded: ")
                .contains("refuses_answer");
        assertThat(task.get("attempt").asInt()).isEqualTo(1);
        assertThat(llm.requests(Match.interaction("plan").and(task("Refused answer task")))).hasSize(1);
        assertThat(claim("tasks", "id", task.get("id").asString(), "lease_until")).as("claim released").isNull();
    }

    @Test
    void a_task_whose_step_cannot_be_recorded_stops_and_ends_failed() throws Exception {
        llm.when(Match.interaction("plan").and(task("Refused step task")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 6*7, an " + UNRECORDABLE_STEP + "\"]}"));
        JsonNode task = awaitTask(submit("Refused step task: what is 6*7?", "off"));

        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("internal_error");
        assertThat(task.get("detail").asString()).startsWith("step 1 (planned) could not be recorded: ")
                .contains("refuses_step");
        assertThat(task.get("attempt").asInt()).isEqualTo(1);
        assertThat(llm.requests(task("Refused step task"))).as("stopped after the plan it could not record")
                .hasSize(1);
        assertThat(claim("tasks", "id", task.get("id").asString(), "lease_until")).isNull();
    }

    @Test
    void a_task_whose_plan_is_cut_while_thinking_ends_truncated_once_and_releases_its_claim() throws Exception {
        llm.when(Match.interaction("plan").and(task("Cut task"))).reply(ModelText
                .cutWhileThinking("The user wants " + RAW + "; a first draft: " + DRAFT + " but").reply().truncated());
        JsonNode task = awaitTask(submit("Cut task: what is 6*7?", "read-write"));

        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("truncated");
        assertThat(task.get("detail").asString()).contains("finish_reason: length");
        assertThat(task.get("answer").isNull()).as("the draft in the cut reasoning is no answer").isTrue();
        assertThat(task.get("attempt").asInt()).isEqualTo(1);
        assertThat(llm.requests(task("Cut task"))).as("one attempt, no subtask").hasSize(1);
        assertThat(claim("tasks", "id", task.get("id").asString(), "lease_until")).isNull();
    }

    @Test
    void evaluation_items_given_hostile_text_or_an_unrecordable_answer_each_end_once() throws Exception {
        scriptEpisode("Hostile eval", "42 " + ESCAPED);
        scriptEpisode("Refused eval", UNRECORDABLE_ANSWER);
        Path dataset = Files.writeString(datasets.resolve("hostile.jsonl"), """
                {"id": "h1", "question": "Hostile eval: what is 6*7?", "answers": ["42"]}
                {"id": "h2", "question": "Refused eval: what is 6*7?", "answers": ["42"]}
                """);
        String id = post("/api/evaluations/runs", "{\"dataset\": \"" + dataset + "\", \"concurrency\": 2, "
                + "\"memoryMode\": \"read-write\", \"scorers\": [\"squad\"]}").get("id").asString();
        JsonNode run = await("/api/evaluations/runs/" + id, r -> !active(r.get("status").asString()));

        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("completed");
        Map<String, JsonNode> items = byField(get("/api/evaluations/runs/" + id + "/results").get("items"), "itemId");
        assertThat(items.get("h1").get("outcome").asString()).isEqualTo("answered");
        assertThat(items.get("h1").get("prediction").asString()).isEqualTo("42 " + STORED);
        assertThat(items.get("h2").get("outcome").asString()).isEqualTo("internal_error");
        assertThat(items.get("h2").get("detail").asString()).contains("refuses_answer");
        assertThat(claims("eval_items", id)).as("no claim left").isZero();
        assertThat(llm.requests(Match.interaction("plan").and(task("Hostile eval")))).hasSize(1);
        assertThat(llm.requests(Match.interaction("plan").and(task("Refused eval")))).hasSize(1);
    }

    @Test
    void dream_rollouts_given_hostile_text_or_an_unrecordable_answer_each_end_once() throws Exception {
        scriptEpisode("Hostile dream", "42 " + ESCAPED);
        scriptEpisode("Refused dream", UNRECORDABLE_ANSWER);
        llm.when(Match.interaction("experience")).reply(ModelText.thinking(RAW).then("{\"reasoning\": \""
                + ESCAPED + "\", \"observation\": \"42 " + ESCAPED + "\", \"reward\": 0.5, \"done\": false}").reply());
        llm.when(Match.interaction("experience-outcome")).reply(ModelText
                .thinking(RAW + " A first verdict: {\"reasoning\": \"draft\", \"reward\": 0}. No, it is right.")
                .line("My verdict:").fenced("{\"reasoning\": \"judged " + ESCAPED + "\", \"reward\": 1}")
                .line("Hope this helps.").reply());
        String id = post("/api/synthesis/dreams", "{\"tasks\": [\"Hostile dream: what is 6*7?\", \"Refused dream: "
                + "what is 6*7?\"], \"rolloutsPerTask\": 1, \"concurrency\": 2, \"memoryMode\": \"read-write\"}")
                .get("id").asString();
        JsonNode job = await("/api/synthesis/dreams/" + id, j -> !active(j.get("status").asString()));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        Map<String, JsonNode> rollouts = byField(get("/api/synthesis/dreams/" + id + "/results").get("rollouts"),
                "task");
        JsonNode hostile = rollouts.get("Hostile dream: what is 6*7?");
        assertThat(hostile.get("outcome").asString()).isEqualTo("answered");
        assertThat(hostile.get("detail").asString()).isEqualTo("judged " + STORED);
        assertThat(hostile.get("transitions")).hasSize(1);
        assertThat(get("/api/tasks/" + hostile.get("taskId").asString()).get("answer").asString())
                .isEqualTo("42 " + STORED);
        JsonNode refused = rollouts.get("Refused dream: what is 6*7?");
        assertThat(refused.get("outcome").asString()).isEqualTo("internal_error");
        assertThat(refused.get("detail").asString()).contains("refuses_answer");
        assertThat(claims("dream_items", id)).isZero();
        assertThat(llm.requests(Match.interaction("plan").and(task("Hostile dream")))).hasSize(1);
        assertThat(llm.requests(Match.interaction("plan").and(task("Refused dream")))).hasSize(1);
    }

    @Test
    void sandbox_rollouts_given_hostile_text_or_an_unrecordable_answer_each_end_once() throws Exception {
        String marker = "[hostile sums]";
        Map<String, Object> task = sumTask(marker + " Write the sum of numbers.txt to sum.txt.");
        String escapedStatement = JSON.writeValueAsString(task).replace("sum.txt.\"", "sum.txt. " + ESCAPED + "\"");
        llm.when(Match.interaction("generate-task")).reply(ModelText
                .thinking(RAW + " Draft: {\"statement\": \"Sum the numbers.\"}").line(escapedStatement).reply());
        AtomicInteger rollouts = new AtomicInteger();
        llm.when(Match.interaction("plan").and(task(marker))).reply(Reply.dynamic(r -> {
            rollouts.incrementAndGet();
            return ModelText.thinking("Answer at once? " + DRAFT + " No: the file must be written.")
                    .then("{\"subtasks\": [\"Write sum.txt " + ESCAPED + "\"]}").reply();
        }));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"3+4+5 " + ESCAPED + "\"}"));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> r.toolResults().size() == 1
                        ? Reply.toolCall("execute_code", JSON.writeValueAsString(Map.of("language", "python",
                                "code", "open('sum.txt', 'w').write('12')")))
                        : Reply.text("Written. " + RAW)));
        llm.when(Match.interaction("replan").and(task(marker))).reply(Reply.dynamic(r -> ModelText
                .saying("sum.txt is written. The answer:").fenced("{\"answer\": \"FINAL ANSWER: 12 "
                        + (rollouts.get() == 1 ? ESCAPED : UNRECORDABLE_ANSWER) + "\"}").line("Done.").reply()));
        String id = post("/api/synthesis/sandbox-tasks", "{\"domain\": \"hostile sums\", \"tasks\": 1, "
                + "\"rolloutsPerTask\": 2, \"concurrency\": 1, \"memoryMode\": \"read-write\"}").get("id").asString();
        JsonNode job = await("/api/synthesis/sandbox-tasks/" + id, j -> !active(j.get("status").asString()));

        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        JsonNode results = get("/api/synthesis/sandbox-tasks/" + id + "/results");
        assertThat(results.get("generatedTasks").get(0).get("statement").asString()).endsWith("sum.txt. " + STORED);
        JsonNode first = results.get("rolloutResults").get(0);
        assertThat(first.get("outcome").asString()).as(first.toString()).isEqualTo("answered");
        assertThat(first.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(get("/api/tasks/" + first.get("taskId").asString()).get("answer").asString())
                .isEqualTo("12 " + STORED);
        assertThat(first.get("caseId").isNull()).as("its case was written (the next rollout rewrites it)").isFalse();
        JsonNode second = results.get("rolloutResults").get(1);
        assertThat(second.get("outcome").asString()).as(second.toString()).isEqualTo("internal_error");
        assertThat(second.get("detail").asString()).contains("refuses_answer");
        assertThat(claims("sandbox_task_items", id)).isZero();
        assertThat(rollouts.get()).as("one plan per rollout").isEqualTo(2);
    }

    /** The model's replies for the task whose text starts with {@code marker}: one calculator subtask, an answer. */
    void scriptEpisode(String marker, String answer) {
        llm.when(Match.interaction("plan").and(task(marker))).reply(ModelText
                .thinking("The user wants " + RAW + ". Answer at once? " + DRAFT + " No: compute it.")
                .line("Here is the plan:")
                .fenced("{\"subtasks\": [\"Compute 6*7 " + ESCAPED + " with the calculator\"]}").reply());
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"6*7 " + ESCAPED + "\"}"));
        llm.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.text("The calculator said: " + RAW));
        llm.when(Match.interaction("replan").and(task(marker)))
                .reply(ModelText.thinking(RAW + " My draft was " + DRAFT + "; the calculator corrects it.")
                        .line("The answer:").fenced("{\"answer\": \"FINAL ANSWER: " + answer + "\"}").reply());
    }

    /** A generated task as the sandbox task tests script it: its validator passes when sum.txt holds 12. */
    static Map<String, Object> sumTask(String statement) {
        return Map.of("statement", statement, "files", Map.of("numbers.txt", "3\n4\n5\n"), "validator", """
                with open("sum.txt") as f:
                    assert f.read().strip() == "12"
                """, "reference", """
                total = sum(int(line) for line in open("numbers.txt") if line.strip())
                open("sum.txt", "w").write(str(total))
                """, "near_miss", "open('sum.txt', 'w').write('13')", "difficulty", 2);
    }

    String submit(String text, String memoryMode) throws Exception {
        return post("/api/tasks", "{\"text\": \"" + text + "\", \"memoryMode\": \"" + memoryMode
                + "\", \"budgets\": {\"wallSeconds\": 60}}").get("id").asString();
    }

    JsonNode awaitTask(String id) throws Exception {
        return await("/api/tasks/" + id, t -> !t.get("status").asString().equals("queued")
                && !t.get("status").asString().equals("running"));
    }

    JsonNode awaitTransition(String task) throws Exception {
        JsonNode found = eventually("a transition of '" + task + "' in the replay buffer", () -> post(
                "/api/synthesis/replay/search", "{\"task\": \"" + task + "\", \"tool\": \"calculator\", "
                        + "\"arguments\": \"{}\"}"), transitions -> ofTask(transitions, task) != null);
        return ofTask(found, task);
    }

    private static JsonNode ofTask(JsonNode transitions, String task) {
        for (JsonNode t : transitions) {
            if (t.get("task").asString().equals(task)) {
                return t;
            }
        }
        return null;
    }

    static boolean active(String status) {
        return status.equals("queued") || status.equals("running");
    }

    static Map<String, JsonNode> byField(JsonNode array, String field) {
        Map<String, JsonNode> map = new HashMap<>();
        array.forEach(node -> map.put(node.get(field).asString(), node));
        return map;
    }

    JsonNode await(String path, Predicate<JsonNode> done) {
        return eventually(path + " to end", () -> get(path), done);
    }

    JsonNode get(String path) throws Exception {
        return send(request(path).GET());
    }

    JsonNode post(String path, String body) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpRequest.Builder request(String path) {
        int port = Integer.parseInt(server.getEnvironment().getProperty("local.server.port"));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(30));
    }

    static JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    void sql(String statement) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    Object claim(String table, String key, String id, String column) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + column + " FROM " + table + " WHERE " + key + " = '" + id
                        + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getObject(1);
        }
    }

    /** Items of the run still claimed by anyone. */
    long claims(String table, String runId) throws Exception {
        try (Connection c = schema.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE run_id = '" + runId
                        + "' AND (status <> 'done' OR claimed_by IS NOT NULL)")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
