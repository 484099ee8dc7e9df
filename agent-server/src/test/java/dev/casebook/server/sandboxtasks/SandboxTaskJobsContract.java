package dev.casebook.server.sandboxtasks;

import static dev.casebook.server.sandboxtasks.Scripts.json;
import static dev.casebook.server.sandboxtasks.Scripts.sumTask;
import static dev.casebook.testkit.llm.Match.task;
import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.CaseLabel;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.code.ProcessSandbox;
import dev.casebook.tools.code.SandboxSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Sandbox task jobs end to end: the running server with auth on (two tenants), the real agent and sandbox (real
 * Python processes), run records in the database of the subclass, and the scripted LLM server as the only fake
 * ({@link Scripts}). Each test scripts its own domain and task markers, so tests do not see each other's requests.
 */
abstract class SandboxTaskJobsContract {
    static final String KEY_A = "sandbox-tasks-key-a";
    static final String KEY_B = "sandbox-tasks-key-b";
    /** Shared by the subclasses (their cached contexts point at it), so it lives as long as the test JVM. */
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    final Scripts scripts = new Scripts(LLM);

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    static void serverProperties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-a");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY_A));
        registry.add("casebook.security.api-keys[1].tenant", () -> "tenant-b");
        registry.add("casebook.security.api-keys[1].sha256", () -> ApiKeys.sha256(KEY_B));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "1");
        registry.add("casebook.models.planner.initial-backoff", () -> "20ms");
        registry.add("casebook.models.executor.model", () -> "scripted-executor");
        registry.add("casebook.models.judge.model", () -> "scripted-judge");
        registry.add("casebook.sandbox-tasks.validator-time", () -> "60s"); // a loaded machine starts Python slowly
        // the tests' statements differ in their marker only: only a task's own rollouts are near-duplicates
        registry.add("casebook.memory.duplicate-threshold", () -> "0.999");
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    /** The API as tenant-a. */
    JobApi api() {
        return new JobApi(new TestClient(port, KEY_A), LLM);
    }

    /** The API as tenant-b. */
    JobApi other() {
        return new JobApi(new TestClient(port, KEY_B), LLM);
    }

    @Test
    void discards_tasks_whose_validator_passes_a_noop_or_whose_reference_fails() throws Exception {
        scripts.generator("discard domain", request -> {
            Map<String, Object> task = new HashMap<>(sumTask("[discard]"));
            if (request.lastUserMessage().contains("This is task 1 of 2")) {
                task.put("validator", "print('all good')");
            } else {
                task.put("reference", "import sys\nprint('giving up')\nsys.exit(2)");
            }
            return task;
        });

        String id = api().createJob("{\"domain\": \"discard domain\", \"tasks\": 2, \"concurrency\": 1, "
                + "\"repairAttempts\": 0}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("tasks").get("generated").asInt()).isEqualTo(2);
        assertThat(done.get("tasks").get("kept").asInt()).isZero();
        assertThat(done.get("tasks").get("discardReasons")).isEqualTo(Scripts.JSON.readTree(
                "{\"noop_passed\": 1, \"reference_failed\": 1}"));
        assertThat(done.get("rollouts").get("total").asInt()).isZero();
        JsonNode tasks = api().results(id).get("generatedTasks");
        assertThat(tasks.get(0).get("detail").asString())
                .isEqualTo("the validator passed a workspace where nothing was done:\nall good");
        assertThat(tasks.get(1).get("detail").asString())
                .isEqualTo("the reference solution exited with status 1:\ngiving up");
        assertThat(LLM.requests(Match.interaction("plan").and(task("[discard]")))).as("no rollout ran").isEmpty();
        List<LlmRequest> asked = LLM.requests(Match.interaction("generate-task"));
        assertThat(asked).hasSize(2);
        assertThat(asked.getFirst().systemPrompt()).contains("sys.argv[1] is the path of a file holding the agent's"
                + " final answer").contains("must fail when nothing was done");
        assertThat(asked.getFirst().lastUserMessage()).startsWith("Domain: discard domain\nDifficulty wanted: 2 of 5\n"
                + "This is task 1 of 2 of this job.");
        assertThat(asked.get(1).lastUserMessage()).contains("Tasks this job already has (write a different one):\n"
                + "- [discard] Write the sum of the numbers in numbers.txt to sum.txt. [discarded: the validator"
                + " passed a workspace where nothing was done]");
    }

    @Test
    void a_repair_recovers_a_task_from_a_noop_passed_reply() throws Exception {
        Map<String, Object> lenient = new HashMap<>(sumTask("[repair]"));
        lenient.put("validator", "print('all good')");
        scripts.generator("repair domain", request -> lenient);
        LLM.when(Match.interaction("repair-task").and(task("Domain: repair domain"))).reply(Reply.text(
                "<think>The validator printed 'all good' without looking at sum.txt.</think>\nHere is the repaired task:"
                        + "\n```json\n" + json(sumTask("[repair]")) + "\n```\nIt now checks the file."));
        scripts.agent("[repair]", "open('sum.txt', 'w').write('12')", "12");

        String id = api().createJob("{\"domain\": \"repair domain\", \"tasks\": 1, \"rolloutsPerTask\": 1, "
                + "\"memoryMode\": \"off\"}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("tasks").get("kept").asInt()).as(done.toString()).isEqualTo(1);
        assertThat(done.get("rollouts").get("passed").asInt()).isEqualTo(1);
        JsonNode validation = done.get("tasks").get("validation");
        assertThat(validation.get("keptRate").asDouble()).isEqualTo(1.0);
        assertThat(validation.get("keptAfterRepair").asInt()).isEqualTo(1);
        assertThat(validation.get("byReason")).isEqualTo(Scripts.JSON.readTree(
                "{\"noop_passed\": {\"tasks\": 1, \"kept\": 1, \"keptRate\": 1.0}}"));
        JsonNode task = api().results(id).get("generatedTasks").get(0);
        assertThat(task.get("repairs").get(0).get("reason").asString()).isEqualTo("noop_passed");
        assertThat(task.get("validator").asString()).isEqualTo(Scripts.SUM_VALIDATOR);
        assertThat(task.get("nearMiss").asString()).isEqualTo(Scripts.SUM_NEAR_MISS);
        List<LlmRequest> repairs = LLM.requests(Match.interaction("repair-task"));
        assertThat(repairs).hasSize(1);
        assertThat(repairs.getFirst().lastUserMessage()).startsWith("The sandbox ran your task's programs and did not"
                + " keep the task (noop_passed): the validator passed a workspace where nothing was done:\nall good\n"
                + "Repair the task");
        assertThat(repairs.getFirst().allText()).as("the same conversation: the first reply is in it")
                .contains("print('all good')");
    }

    @Test
    void a_task_whose_validator_passes_the_near_miss_is_discarded() throws Exception {
        Map<String, Object> lenient = new HashMap<>(sumTask("[near-miss]"));
        lenient.put("validator", "import os\nassert os.path.exists('sum.txt'), 'no sum.txt'");
        scripts.generator("near miss domain", request -> lenient);

        String id = api().createJob("{\"domain\": \"near miss domain\", \"tasks\": 1, \"repairAttempts\": 0}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("tasks").get("discardReasons")).isEqualTo(Scripts.JSON.readTree(
                "{\"near_miss_passed\": 1}"));
        assertThat(done.get("tasks").get("validation").get("byReason").get("near_miss_passed").get("keptRate")
                .asDouble()).isZero();
        assertThat(api().results(id).get("generatedTasks").get(0).get("detail").asString()).startsWith(
                "the validator passed the near-miss solution's result (a plausible wrong solution it must reject)");
        assertThat(done.get("rollouts").get("total").asInt()).isZero();
        assertThat(LLM.requests(Match.interaction("generate-task")).getFirst().systemPrompt())
                .contains("- near_miss: a Python 3 program like the reference but with a plausible mistake");
    }

    @Test
    void a_task_like_an_evaluation_item_of_the_tenant_is_discarded_as_contaminated() throws Exception {
        // unlike the other tests' statements, so that this evaluation item contaminates none of their tasks
        String question = "[contaminated] Which city is the capital of the country with a maple leaf on its flag?";
        evaluationItem("tenant-a", question, true);
        Map<String, Object> lookAlike = new HashMap<>(sumTask("[contaminated]"));
        lookAlike.put("statement", question);
        scripts.generator("contaminated domain", request -> lookAlike);

        String id = api().createJob("{\"domain\": \"contaminated domain\", \"tasks\": 1}");
        JsonNode done = api().awaitCompleted(id);
        String other = other().createJob("{\"domain\": \"contaminated domain\", \"tasks\": 1, "
                + "\"rolloutsPerTask\": 1, \"memoryMode\": \"off\"}");
        JsonNode otherDone = other().awaitCompleted(other);

        assertThat(done.get("tasks").get("discardReasons")).isEqualTo(Scripts.JSON.readTree("{\"contaminated\": 1}"));
        assertThat(api().results(id).get("generatedTasks").get(0).get("detail").asString())
                .matches("cosine 1\\.000 with an evaluation item of the tenant \\(at least 0\\.9 is contaminated\\): "
                        + "\\Q" + question + "\\E");
        assertThat(LLM.requests(Match.interaction("repair-task"))).as("a look-alike is not repaired").isEmpty();
        assertThat(otherDone.get("tasks").get("kept").asInt()).as("another tenant's evaluation items do not count")
                .isEqualTo(1);
    }

    @Test
    void a_task_that_repeats_a_kept_task_of_the_job_is_discarded_as_duplicate() throws Exception {
        scripts.generator("duplicate domain", request -> sumTask("[duplicate]"));

        String id = api().createJob("{\"domain\": \"duplicate domain\", \"tasks\": 2, \"tasksPerRound\": 1, "
                + "\"rolloutsPerTask\": 1, \"memoryMode\": \"off\"}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("tasks").get("kept").asInt()).isEqualTo(1);
        assertThat(done.get("tasks").get("discardReasons")).isEqualTo(Scripts.JSON.readTree("{\"duplicate\": 1}"));
        assertThat(api().results(id).get("generatedTasks").get(1).get("detail").asString())
                .startsWith("cosine 1.000 with the job's task in slot 0 (at least 0.9 is a duplicate): [duplicate]");
    }

    @Test
    void a_job_seeded_from_uncertain_real_tasks_shows_the_generator_each_seed_and_asks_for_harder_variations()
            throws Exception {
        evaluationItem("tenant-a", "What is the median of 3, 9 and 4?", true);
        evaluationItem("tenant-a", "What is the median of 3, 9 and 4?", false);
        evaluationItem("tenant-a", "What is 2 + 2?", true);
        scripts.generator("seeded domain", request -> {
            String slot = request.lastUserMessage().replaceAll("(?s).*This is task (\\d+) of.*", "$1");
            return sumTask("[seeded-" + slot + "]");
        });

        String id = api().createJob("{\"domain\": \"seeded domain\", \"tasks\": 2, \"tasksPerRound\": 2, "
                + "\"rolloutsPerTask\": 1, \"memoryMode\": \"off\", \"dedupe\": false, "
                + "\"seedFrom\": \"uncertain-real\", \"curriculum\": {\"harder\": true}}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("settings").get("seeds")).isEqualTo(Scripts.JSON.readTree(
                "[\"What is the median of 3, 9 and 4?\"]"));
        List<String> asked = scripts.prompts("generate-task", Match.lastUserMessageContains("Domain: seeded domain"));
        assertThat(asked).hasSize(2);
        assertThat(asked).allSatisfy(prompt -> assertThat(prompt).contains("The agent got this real task wrong, or"
                + " only sometimes right:\nWhat is the median of 3, 9 and 4?\nWrite a practice task that trains the"
                + " same skill"));
        assertThat(asked.stream().filter(p -> p.contains("This is practice variation 2 for that task: make it harder"
                + " than the variations before it"))).hasSize(1);
        assertThat(api().results(id).get("generatedTasks").get(0).get("seed").asString())
                .isEqualTo("What is the median of 3, 9 and 4?");
        assertThat(other().http().post("/api/synthesis/sandbox-tasks", "{\"domain\": \"d\", "
                + "\"seedFrom\": \"failed-real\"}").json().get("detail").asString()).isEqualTo("field 'seedFrom' is"
                + " failed-real, but the tenant has no such real task yet (a real task with a reward below 0.5)");
    }

    @Test
    void given_tasks_are_verified_and_rolled_out_without_asking_the_generator() throws Exception {
        scripts.agent("[given]", "open('sum.txt', 'w').write('12')", "12");
        Map<String, Object> lenient = new HashMap<>(sumTask("[given-lenient]"));
        lenient.put("validator", "print('fine')");

        String id = api().createJob("{\"domain\": \"frozen held-out tasks\", \"rolloutsPerTask\": 1, "
                + "\"memoryMode\": \"off\", \"given\": [" + json(sumTask("[given]")) + ", " + json(lenient) + "]}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("settings").get("given").asInt()).isEqualTo(2);
        assertThat(done.get("tasks").get("kept").asInt()).isEqualTo(1);
        assertThat(done.get("tasks").get("discardReasons")).isEqualTo(Scripts.JSON.readTree("{\"noop_passed\": 1}"));
        assertThat(done.get("rollouts").get("passed").asInt()).isEqualTo(1);
        assertThat(LLM.requests(Match.interaction("generate-task").and(Match.anyMessageContains("frozen held-out"))))
                .isEmpty();
        assertThat(LLM.requests(Match.interaction("repair-task"))).as("a given task is not repaired").isEmpty();
        TestClient.Reply bad = api().http().post("/api/synthesis/sandbox-tasks", "{\"domain\": \"d\", \"given\": [{\"statement\":"
                + " \"x\"}]}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asString())
                .isEqualTo("field 'given[0]' is not a valid task: the field 'files' is missing");
    }

    /** An evaluation item of a finished run of {@code tenant}, as an evaluation run records it. */
    void evaluationItem(String tenant, String question, boolean correct) {
        String run = UUID.randomUUID().toString();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("INSERT INTO eval_runs (id, tenant, name, status, dataset_name, dataset_path, dataset_format,"
                + " settings, primary_scorer, total_items, created_at, finished_at) VALUES (?, ?, 'seeded', 'completed',"
                + " 'd', 'd', 'jsonl', '{}', 'exact', 1, ?, ?)", run, tenant, now, now);
        jdbc.update("INSERT INTO eval_items (run_id, seq, epoch, attempt, item_id, item_group, question, golds,"
                + " attachments, status, correct, finished_at) VALUES (?, 0, 0, 0, 'q1', '', ?, '[]', '[]', 'done', ?,"
                + " ?)", run, question, correct, now);
    }

    @Test
    void a_rollout_that_writes_the_right_file_gets_reward_1_and_a_positive_sandbox_case() throws Exception {
        scripts.generator("sums that work", request -> sumTask("[sum-ok]"));
        scripts.agent("[sum-ok]", "open('sum.txt', 'w').write('12')", "12");

        String id = api().createJob("{\"domain\": \"sums that work\", \"tasks\": 1, \"rolloutsPerTask\": 1}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("rollouts").get("passed").asInt()).isEqualTo(1);
        assertThat(done.get("rollouts").get("successRate").asDouble()).isEqualTo(1.0);
        ProcessSandbox probed = new ProcessSandbox(SandboxSettings.defaults());
        assertThat(done.get("isolation").asString()).isEqualTo(probed.isolation().name());
        assertThat(done.get("runLimits").asString()).isEqualTo(probed.runLimits().name());
        JsonNode rollout = api().results(id).get("rolloutResults").get(0);
        assertThat(rollout.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(rollout.get("verdict").asString()).isEqualTo("passed");
        assertThat(rollout.get("lesson").isNull()).isTrue();
        assertThat(LLM.requests(Match.interaction("failure-analysis"))).isEmpty();

        assertThat(rollout.get("caseId").asString()).as("the id derived from the job and the task's slot")
                .isEqualTo(RolloutMemory.caseId(id, 0, CaseLabel.POSITIVE).toString());
        JsonNode group = api().results(id).get("generatedTasks").get(0).get("group");
        assertThat(group.get("outcome").asString()).isEqualTo("positive");
        assertThat(group.get("successRate").asDouble()).isEqualTo(1.0);
        assertThat(group.get("negativeCaseId").isNull()).isTrue();
        assertThat(done.get("groups").get("outcomes")).isEqualTo(Scripts.JSON.readTree("{\"positive\": 1}"));
        JsonNode sandboxCase = api().http().get("/api/cases/" + rollout.get("caseId").asString()).json();
        assertThat(sandboxCase.get("source").asString()).isEqualTo("sandbox");
        assertThat(sandboxCase.get("label").asString()).isEqualTo("positive");
        assertThat(sandboxCase.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(sandboxCase.get("answer").asString()).isEqualTo("12");
        assertThat(sandboxCase.get("task").asString()).startsWith("[sum-ok] Write the sum");

        String taskId = rollout.get("taskId").asString();
        JsonNode task = api().http().get("/api/tasks/" + taskId).json();
        assertThat(task.get("status").asString()).isEqualTo("answered");
        assertThat(task.get("source").asString()).isEqualTo("sandbox");
        assertThat(task.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(task.get("rewardBy").asString()).isEqualTo("validator");
        List<String> steps = new ArrayList<>();
        api().http().get("/api/tasks/" + taskId + "/steps").json().forEach(s -> steps.add(s.get("type").asString()));
        assertThat(steps).contains("tool_called", "tool_returned", "answered", "rewarded")
                .as("the case is written by the task's group, after its rollouts").doesNotContain("memory_written");

        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task("[sum-ok]"))).getFirst();
        assertThat(plan.lastUserMessage()).contains("The execute_code tool works in this task's workspace, which "
                + "holds numbers.txt.");
        LlmRequest afterTool = LLM.requests(Match.interaction("execute").and(task("[sum-ok]"))
                .and(Match.afterToolResult())).getFirst();
        assertThat(afterTool.toolResults().getFirst()).contains("result: exit code 0");
        assertThat(afterTool.body().toString()).contains("The working directory is the task's workspace");
    }

    @Test
    void an_agent_mistake_writes_the_negative_case_with_a_lesson_drawn_against_the_reference_solution()
            throws Exception {
        scripts.generator("sums that fail", request -> sumTask("[sum-bad]"));
        scripts.agent("[sum-bad]", "open('sum.txt', 'w').write('13')", "13");
        scripts.triage("[sum-bad]", Reply.text("I looked at both programs.\n{\"verdict\": \"agent_mistake\", "
                + "\"reason\": \"The statement asks for the sum and the agent wrote 13.\"}\nThat is my verdict."));
        scripts.analysis("[sum-bad]", "Add all three numbers: 3 + 4 + 5 is 12, not 13.");

        String id = api().createJob("{\"domain\": \"sums that fail\", \"tasks\": 1, \"rolloutsPerTask\": 1}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("rollouts").get("failed").asInt()).isEqualTo(1);
        JsonNode rollout = api().results(id).get("rolloutResults").get(0);
        assertThat(rollout.get("reward").asDouble()).isZero();
        assertThat(rollout.get("verdict").asString()).isEqualTo("failed");
        assertThat(rollout.get("validatorOutput").asString()).contains("AssertionError: sum.txt holds '13', expected 12");
        JsonNode group = api().results(id).get("generatedTasks").get(0).get("group");
        assertThat(group.get("outcome").asString()).isEqualTo("negative");
        assertThat(group.get("triage").asString()).isEqualTo("agent_mistake");
        assertThat(group.get("detail").asString()).isEqualTo("every rollout failed; the triage found an agent "
                + "mistake: The statement asks for the sum and the agent wrote 13.");
        assertThat(group.get("lesson").asString()).isEqualTo("Add all three numbers: 3 + 4 + 5 is 12, not 13.");
        assertThat(group.get("positiveCaseId").isNull()).isTrue();

        List<LlmRequest> triages = LLM.requests(Match.interaction("triage").and(task("[sum-bad]")));
        assertThat(triages).hasSize(1);
        assertThat(triages.getFirst().lastUserMessage()).contains("Validator:\n" + Scripts.SUM_VALIDATOR.strip(),
                "Reference solution:\n" + Scripts.SUM_REFERENCE.strip(), "Reference answer: 12", "write('13')");
        List<LlmRequest> analyses = LLM.requests(Match.interaction("failure-analysis"));
        assertThat(analyses).hasSize(1);
        assertThat(analyses.getFirst().lastUserMessage())
                .startsWith("Task: [sum-bad] Write the sum")
                .contains("Passing attempt (the task's reference solution", "total = sum(int(line)",
                        "Failing attempt (the validator's verdict: failed)", "call execute_code", "write('13')",
                        "Final answer: 13", "AssertionError: sum.txt holds '13', expected 12");
        assertThat(analyses.getFirst().model()).isEqualTo("scripted-judge");

        assertThat(rollout.get("caseId").asString()).isEqualTo(group.get("negativeCaseId").asString());
        JsonNode negative = api().http().get("/api/cases/" + rollout.get("caseId").asString()).json();
        assertThat(negative.get("source").asString()).isEqualTo("sandbox");
        assertThat(negative.get("label").asString()).isEqualTo("negative");
        assertThat(negative.get("reward").asDouble()).isZero();
        assertThat(negative.get("answer").asString()).isEqualTo("Not solved (the validator rejected the result of the"
                + " answer '13'). Lesson: Add all three numbers: 3 + 4 + 5 is 12, not 13.");
        JsonNode task = api().http().get("/api/tasks/" + rollout.get("taskId").asString()).json();
        assertThat(task.get("reward").asDouble()).isZero();
        assertThat(task.get("rewardBy").asString()).isEqualTo("validator");
    }

    /** The agent's replies for {@code marker} given in turn: rollout i writes {@code sums[i]} and answers it. */
    void agentInTurn(String marker, List<String> plans, List<String> sums) {
        List<Reply> planReplies = plans.stream().<Reply>map(p -> Reply.text("{\"subtasks\": [\"" + p + "\"]}")).toList();
        List<Reply> calls = sums.stream().<Reply>map(v -> Reply.toolCall("execute_code",
                json(Map.of("language", "python", "code", "open('sum.txt', 'w').write('" + v + "')")))).toList();
        List<Reply> answers = sums.stream().<Reply>map(v -> Reply.text("{\"answer\": \"FINAL ANSWER: " + v + "\"}"))
                .toList();
        LLM.when(Match.interaction("plan").and(task(marker))).reply(planReplies.getFirst(),
                planReplies.subList(1, planReplies.size()).toArray(Reply[]::new));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(calls.getFirst(), calls.subList(1, calls.size()).toArray(Reply[]::new));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.text("The file is written."));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(answers.getFirst(),
                answers.subList(1, answers.size()).toArray(Reply[]::new));
    }

    /** The tenant's sandbox cases of the task whose statement starts with {@code marker}. */
    List<JsonNode> casesOf(String marker) {
        List<JsonNode> cases = new ArrayList<>();
        api().http().get("/api/cases?source=sandbox&size=100").json().get("items").forEach(c -> {
            if (c.get("task").asString().startsWith(marker)) {
                cases.add(c);
            }
        });
        return cases;
    }

    @Test
    void fail_after_pass_keeps_the_passing_plan_and_the_analysis_compares_both_traces() throws Exception {
        scripts.generator("pass then fail", request -> sumTask("[pass-fail]"));
        agentInTurn("[pass-fail]", List.of("Add up every line of numbers.txt", "Guess the sum"), List.of("12", "13"));
        LLM.when(Match.interaction("failure-analysis").and(task("[pass-fail]"))).reply(Reply.text(
                "<think>The first attempt summed, the second guessed 13.</think>At the execute_code step, write the "
                        + "sum of every line (12) instead of a guessed 13.")
                .withReasoningIn("reasoning_content", "Compare the two traces."));

        String id = api().createJob("{\"domain\": \"pass then fail\", \"tasks\": 1, \"rolloutsPerTask\": 2, "
                + "\"concurrency\": 1}");
        JsonNode done = api().awaitCompleted(id);

        JsonNode results = api().results(id);
        JsonNode rollouts = results.get("rolloutResults");
        assertThat(rollouts.get(0).get("reward").asDouble()).as("the first rollout passed").isEqualTo(1.0);
        assertThat(rollouts.get(1).get("reward").asDouble()).as("the later one failed").isZero();
        JsonNode group = results.get("generatedTasks").get(0).get("group");
        assertThat(group.get("outcome").asString()).isEqualTo("positive_and_negative");
        assertThat(group.get("successRate").asDouble()).isEqualTo(0.5);
        assertThat(group.get("detail").asString()).isEqualTo("1 of 2 rollouts passed");
        assertThat(group.get("lesson").asString()).isEqualTo("At the execute_code step, write the sum of every line "
                + "(12) instead of a guessed 13.");
        assertThat(done.get("groups").get("outcomes")).isEqualTo(Scripts.JSON.readTree(
                "{\"positive_and_negative\": 1}"));

        JsonNode positive = api().http().get("/api/cases/" + group.get("positiveCaseId").asString()).json();
        assertThat(positive.get("label").asString()).isEqualTo("positive");
        assertThat(positive.get("plan").asString()).contains("Add up every line of numbers.txt")
                .doesNotContain("Guess");
        assertThat(positive.get("answer").asString()).isEqualTo("12");
        assertThat(positive.get("reward").asDouble()).as("the group's success rate").isEqualTo(0.5);
        JsonNode history = api().http().get("/api/cases/" + group.get("positiveCaseId").asString() + "/history").json()
                .get("events");
        List<Double> rewards = new ArrayList<>();
        history.forEach(e -> rewards.add(e.get("reward").asDouble()));
        assertThat(rewards).as("one event per rollout: the counts").containsExactlyInAnyOrder(1.0, 0.0);
        assertThat(rollouts.get(0).get("caseId").asString()).isEqualTo(group.get("positiveCaseId").asString());
        assertThat(rollouts.get(1).get("caseId").asString()).isEqualTo(group.get("positiveCaseId").asString());

        JsonNode negative = api().http().get("/api/cases/" + group.get("negativeCaseId").asString()).json();
        assertThat(negative.get("label").asString()).isEqualTo("negative");
        assertThat(negative.get("plan").asString()).contains("Guess the sum");
        assertThat(negative.get("answer").asString()).isEqualTo("Not solved (the validator rejected the result of the"
                + " answer '13'). Lesson: At the execute_code step, write the sum of every line (12) instead of a"
                + " guessed 13.");
        assertThat(casesOf("[pass-fail]")).as("one positive and one negative case of the task").hasSize(2);

        List<LlmRequest> analyses = LLM.requests(Match.interaction("failure-analysis").and(task("[pass-fail]")));
        assertThat(analyses).hasSize(1);
        String prompt = analyses.getFirst().lastUserMessage();
        assertThat(prompt).startsWith("Task: [pass-fail] Write the sum");
        String passing = prompt.substring(prompt.indexOf("Passing attempt"), prompt.indexOf("Failing attempt"));
        String failing = prompt.substring(prompt.indexOf("Failing attempt"));
        assertThat(passing).contains("Passing attempt (a rollout the validator accepted)",
                "Add up every line of numbers.txt", "call execute_code", "write('12')", "Final answer: 12");
        assertThat(failing).contains("Failing attempt (the validator's verdict: failed)", "Guess the sum",
                "call execute_code", "write('13')", "Final answer: 13",
                "AssertionError: sum.txt holds '13', expected 12");
        assertThat(analyses.getFirst().systemPrompt()).contains("at the first step where the failing attempt differs"
                .substring(3));
        assertThat(LLM.requests(Match.interaction("triage").and(task("[pass-fail]")))).as("a rollout passed").isEmpty();
    }

    @Test
    void concurrent_rollouts_of_one_task_end_in_one_positive_and_one_negative_case() throws Exception {
        scripts.generator("concurrent group", request -> sumTask("[concurrent]"));
        Gate planned = new Gate(); // every rollout's plan waits here until all three are in flight
        LLM.when(Match.interaction("plan").and(task("[concurrent]")))
                .reply(Reply.text("{\"subtasks\": [\"Write the sum with execute_code\"]}").heldBy(planned));
        // one call writes the right sum, two a wrong one, whichever rollouts they reach
        LLM.when(Match.interaction("execute").and(task("[concurrent]")).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("execute_code", json(Map.of("language", "python", "code",
                        "open('sum.txt', 'w').write('12')"))), Reply.toolCall("execute_code", json(Map.of(
                        "language", "python", "code", "open('sum.txt', 'w').write('13')"))));
        LLM.when(Match.interaction("execute").and(task("[concurrent]")).and(Match.afterToolResult()))
                .reply(Reply.text("The file is written."));
        LLM.when(Match.interaction("replan").and(task("[concurrent]")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: done\"}"));
        scripts.analysis("[concurrent]", "Sum every line instead of guessing.");

        String id = api().createJob("{\"domain\": \"concurrent group\", \"tasks\": 1, \"rolloutsPerTask\": 3, "
                + "\"concurrency\": 3}");
        eventually("three rollouts in flight at once", Duration.ofSeconds(180), planned::waiting, n -> n >= 3);
        planned.open();
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("rollouts").get("passed").asInt()).isEqualTo(1);
        assertThat(done.get("rollouts").get("failed").asInt()).isEqualTo(2);
        JsonNode results = api().results(id);
        JsonNode group = results.get("generatedTasks").get(0).get("group");
        assertThat(group.get("outcome").asString()).isEqualTo("positive_and_negative");
        List<JsonNode> cases = casesOf("[concurrent]");
        assertThat(cases).as("the group's cases, decided once").hasSize(2);
        JsonNode positive = api().http().get("/api/cases/" + group.get("positiveCaseId").asString()).json();
        assertThat(positive.get("label").asString()).as("solved once in three: still the plan to follow")
                .isEqualTo("positive");
        assertThat(positive.get("reward").asDouble()).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(api().http().get("/api/cases/" + group.get("positiveCaseId").asString() + "/history").json()
                .get("events")).hasSize(3);
        assertThat(api().http().get("/api/cases/" + group.get("negativeCaseId").asString()).json().get("answer").asString())
                .endsWith("Lesson: Sum every line instead of guessing.");
        assertThat(LLM.requests(Match.interaction("failure-analysis").and(task("[concurrent]")))).hasSize(1);
    }

    @Test
    void a_task_defect_discards_the_task_and_writes_no_case() throws Exception {
        scripts.generator("defective sums", request -> sumTask("[defect]"));
        scripts.agent("[defect]", "open('sum.txt', 'w').write('13')", "13");
        scripts.triage("[defect]", Reply.text("{\"verdict\": \"task_def").truncated(), Reply.text(
                "<think>The statement says sum; the validator wants 12; hmm.</think>Having compared them:\n```json\n"
                        + "{\"verdict\": \"task_defect\", \"reason\": \"The validator expects a value the statement "
                        + "never defines.\"}\n```\nSo it is the task."));
        scripts.analysis("[defect]", "This lesson must not be asked for.");

        String id = api().createJob("{\"domain\": \"defective sums\", \"tasks\": 1, \"rolloutsPerTask\": 2}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("rollouts").get("failed").asInt()).isEqualTo(2);
        assertThat(done.get("tasks").get("kept").asInt()).as("the defective task is discarded").isZero();
        assertThat(done.get("tasks").get("discardReasons")).isEqualTo(Scripts.JSON.readTree(
                "{\"task_defect\": 1}"));
        JsonNode task = api().results(id).get("generatedTasks").get(0);
        assertThat(task.get("kept").asBoolean()).isFalse();
        assertThat(task.get("reason").asString()).isEqualTo("task_defect");
        assertThat(task.get("detail").asString()).isEqualTo("every rollout failed and the triage found the task "
                + "defective: The validator expects a value the statement never defines.");
        assertThat(task.get("group").get("outcome").asString()).isEqualTo("task_defect");
        assertThat(task.get("group").get("triage").asString()).isEqualTo("task_defect");
        assertThat(task.get("group").get("positiveCaseId").isNull()).isTrue();
        assertThat(task.get("group").get("negativeCaseId").isNull()).isTrue();
        assertThat(casesOf("[defect]")).as("no case of a defective task").isEmpty();
        api().results(id).get("rolloutResults").forEach(r -> assertThat(r.get("caseId").isNull()).isTrue());
        assertThat(LLM.requests(Match.interaction("triage").and(task("[defect]"))))
                .as("the truncated reply was asked again").hasSize(2);
        assertThat(LLM.requests(Match.interaction("failure-analysis").and(task("[defect]")))).isEmpty();
    }

    @Test
    void difficulty_moves_up_after_successes_and_down_after_failures() throws Exception {
        scripts.generator("curriculum domain", request -> {
            String slot = request.lastUserMessage().replaceAll("(?s).*This is task (\\d+) of.*", "$1");
            return sumTask("[curriculum-" + slot + "]");
        });
        scripts.agent("[curriculum-1]", "open('sum.txt', 'w').write('12')", "12");
        scripts.agent("[curriculum-2]", "open('sum.txt', 'w').write('0')", "0");
        scripts.agent("[curriculum-3]", "open('sum.txt', 'w').write('12')", "12");
        scripts.triage("[curriculum-2]", Reply.text("{\"verdict\": \"agent_mistake\", \"reason\": \"wrong sum\"}"));
        scripts.analysis("[curriculum-2]", "Add the numbers.");

        String id = api().createJob("""
                {"domain": "curriculum domain", "tasks": 3, "tasksPerRound": 1, "rolloutsPerTask": 2,
                 "startDifficulty": 2, "memoryMode": "off", "concurrency": 2, "dedupe": false}""");
        JsonNode done = api().awaitCompleted(id);

        List<String> asked = scripts.prompts("generate-task", Match.lastUserMessageContains("Domain: curriculum domain"));
        assertThat(asked).hasSize(3);
        assertThat(asked.get(0)).contains("Difficulty wanted: 2 of 5", "This is task 1 of 3");
        assertThat(asked.get(1)).contains("Difficulty wanted: 3 of 5", "This is task 2 of 3");
        assertThat(asked.get(2)).contains("Difficulty wanted: 2 of 5", "This is task 3 of 3");
        JsonNode rounds = done.get("difficulty").get("rounds");
        assertThat(rounds).hasSize(3);
        assertThat(rounds.get(0).get("difficulty").asInt()).isEqualTo(2);
        assertThat(rounds.get(0).get("passed").asInt()).isEqualTo(2);
        assertThat(rounds.get(0).get("next").asInt()).isEqualTo(3);
        assertThat(rounds.get(0).get("reason").asString())
                .isEqualTo("success rate 1.00 over 2 rollouts at level 2 >= 0.75: harder");
        assertThat(rounds.get(1).get("difficulty").asInt()).isEqualTo(3);
        assertThat(rounds.get(1).get("successRate").asDouble()).isZero();
        assertThat(rounds.get(1).get("next").asInt()).isEqualTo(2);
        assertThat(rounds.get(2).get("difficulty").asInt()).isEqualTo(2);
        JsonNode levels = done.get("difficulty").get("levels");
        assertThat(levels.get(0).get("level").asInt()).isEqualTo(2);
        assertThat(levels.get(0).get("rollouts").asInt()).isEqualTo(4);
        assertThat(levels.get(0).get("successRate").asDouble()).isEqualTo(1.0);
        assertThat(levels.get(1).get("level").asInt()).isEqualTo(3);
        assertThat(levels.get(1).get("successRate").asDouble()).isZero();
        assertThat(done.get("difficulty").get("current").asInt()).isEqualTo(3);
        assertThat(LLM.requests(Match.interaction("failure-analysis"))).as("one analysis per task whose rollouts failed")
                .hasSize(1);
    }

    @Test
    void progress_streams_as_server_sent_events_until_the_job_ends() throws Exception {
        scripts.generator("streamed domain", request -> sumTask("[streamed]"));
        scripts.agent("[streamed]", "open('sum.txt', 'w').write('12')", "12");
        String id = api().createJob("{\"domain\": \"streamed domain\", \"tasks\": 1, \"rolloutsPerTask\": 1}");

        TestClient.Reply events = api().http().send(api().http().request("/api/synthesis/sandbox-tasks/" + id + "/events")
                .header("Accept", "text/event-stream").GET());

        assertThat(events.status()).isEqualTo(200);
        assertThat(events.contentType()).startsWith("text/event-stream");
        List<String> names = events.body().lines().filter(l -> l.startsWith("event:")).toList();
        assertThat(names).startsWith("event:progress").endsWith("event:end");
        assertThat(events.body()).contains("\"status\":\"completed\"", "\"passed\":1");
    }

    @Test
    void the_openapi_description_lists_the_sandbox_task_endpoints() {
        TestClient.Reply docs = api().http().get("/v3/api-docs");
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.body()).contains("\"/api/synthesis/sandbox-tasks\"",
                "\"/api/synthesis/sandbox-tasks/{id}/results\"", "\"/api/synthesis/sandbox-tasks/{id}/events\"",
                "Task synthesis", "Start a sandbox task job");
    }

    @Test
    void another_tenant_neither_sees_nor_touches_a_job() throws Exception {
        scripts.generator("private domain", request -> sumTask("[private]"));
        scripts.agent("[private]", "open('sum.txt', 'w').write('12')", "12");
        String id = api().createJob("{\"domain\": \"private domain\", \"tasks\": 1, \"rolloutsPerTask\": 1}");
        JsonNode done = api().awaitCompleted(id);
        String caseId = api().results(id).get("rolloutResults").get(0).get("caseId").asString();
        String taskId = api().results(id).get("rolloutResults").get(0).get("taskId").asString();

        for (String path : List.of("", "/results", "/events")) {
            TestClient.Reply reply = other().http().get("/api/synthesis/sandbox-tasks/" + id + path);
            assertThat(reply.status()).as(path).isEqualTo(404);
            assertThat(reply.json().get("detail").asString()).isEqualTo("no sandbox task job with id '" + id + "'");
        }
        assertThat(other().http().post("/api/synthesis/sandbox-tasks/" + id + "/cancel", "").status()).isEqualTo(404);
        assertThat(other().http().post("/api/synthesis/sandbox-tasks/" + id + "/resume", "").status()).isEqualTo(404);
        assertThat(other().http().get("/api/synthesis/sandbox-tasks").json()).noneMatch(j -> j.get("id").asString().equals(id));
        assertThat(api().http().get("/api/synthesis/sandbox-tasks").json()).anyMatch(j -> j.get("id").asString().equals(id));
        assertThat(other().http().get("/api/cases/" + caseId).status()).isEqualTo(404);
        assertThat(other().http().get("/api/tasks/" + taskId).status()).isEqualTo(404);
        assertThat(done.get("status").asString()).isEqualTo("completed");
    }

    @Test
    void bad_requests_are_problems_with_a_detail() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"tasks\": 2}", "field 'domain' is required: what the tasks are about, e.g. \"python data wrangling\"");
        bad.put("{\"domain\": \"d\", \"tasks\": 0}", "field 'tasks' must be within [1, 200], was 0");
        bad.put("{\"domain\": \"d\", \"tasks\": 201}", "field 'tasks' must be within [1, 200], was 201");
        bad.put("{\"domain\": \"d\", \"rolloutsPerTask\": 0}", "field 'rolloutsPerTask' must be within [1, 20], was 0");
        bad.put("{\"domain\": \"d\", \"concurrency\": 99}", "field 'concurrency' must be within [1, 16], was 99");
        bad.put("{\"domain\": \"d\", \"tasks\": 2, \"tasksPerRound\": 3}",
                "field 'tasksPerRound' must be within [1, 2], was 3");
        bad.put("{\"domain\": \"d\", \"startDifficulty\": 6}", "field 'startDifficulty' must be within [1, 5], was 6");
        bad.put("{\"domain\": \"d\", \"memoryMode\": \"sometimes\"}",
                "field 'memoryMode': memory mode must be one of off, read-only, read-write, was 'sometimes'");
        bad.put("{\"domain\": \"d\", \"policy\": \"astrology\"}",
                "field 'policy' must be one of [similarity], was 'astrology'");
        bad.put("{\"domain\": \"d\", \"maxTokens\": -5}", "field 'maxTokens' must be within [1, 1000000000000], was -5");
        bad.put("{\"domain\": \"d\", \"models\": {\"chef\": \"gpt\"}}",
                "field 'models' names an unknown role 'chef'; roles: [planner, executor, judge]");
        for (Map.Entry<String, String> request : bad.entrySet()) {
            TestClient.Reply reply = api().http().post("/api/synthesis/sandbox-tasks", request.getKey());
            assertThat(reply.status()).as(request.getKey()).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("detail").asString()).as(request.getKey()).isEqualTo(request.getValue());
        }
        for (String malformed : List.of("{\"domain\": ", "{\"domain\": \"d\", \"tasks\": \"many\"}",
                "{\"domain\": \"d\", \"colour\": \"blue\"}")) {
            TestClient.Reply reply = api().http().post("/api/synthesis/sandbox-tasks", malformed);
            assertThat(reply.status()).as(malformed).isEqualTo(400);
            assertThat(reply.contentType()).startsWith("application/problem+json");
            assertThat(reply.json().get("detail").asString()).as(malformed).isNotBlank();
        }
        assertThat(api().http().get("/api/synthesis/sandbox-tasks?limit=0").status()).isEqualTo(400);
        TestClient.Reply missing = api().http().get("/api/synthesis/sandbox-tasks/no-such-job");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("detail").asString()).isEqualTo("no sandbox task job with id 'no-such-job'");
    }

    @Test
    void a_job_whose_token_budget_is_spent_starts_no_further_item_and_says_why() throws Exception {
        scripts.generator("budgeted sums", request -> sumTask("[budget]"));
        scripts.agent("[budget]", "open('sum.txt', 'w').write('12')", "12");

        String id = api().createJob("{\"domain\": \"budgeted sums\", \"tasks\": 3, \"rolloutsPerTask\": 1, "
                + "\"concurrency\": 1, \"maxTokens\": 1}");
        JsonNode done = api().awaitCompleted(id);

        assertThat(done.get("tasks").get("generated").asInt()).as(done.toString()).isEqualTo(1);
        long spent = done.get("tokensSpent").asLong();
        assertThat(spent).isPositive();
        assertThat(done.get("error").asString()).isEqualTo("the job's token budget is spent (" + spent + " of 1 tokens, "
                + "generations, rollouts and analyses together); the items still pending were not run");
        assertThat(done.get("settings").get("maxTokens").asLong()).isEqualTo(1);
        assertThat(LLM.requests(Match.interaction("generate-task").and(Match.lastUserMessageContains(
                "Domain: budgeted sums")))).hasSize(1);
        assertThat(LLM.requests(Match.interaction("plan").and(task("[budget]")))).as("no rollout ran").isEmpty();
    }

    @Test
    void the_tokens_of_a_job_are_counted_in_the_batch_metrics() throws Exception {
        scripts.generator("metered sums", request -> sumTask("[metered]"));
        scripts.agent("[metered]", "open('sum.txt', 'w').write('12')", "12");
        double before = batchTokens();

        String id = api().createJob("{\"domain\": \"metered sums\", \"tasks\": 1, \"rolloutsPerTask\": 1}");
        JsonNode done = api().awaitCompleted(id);

        long spent = done.get("tokensSpent").asLong();
        assertThat(spent).as("the generation and the rollout spent tokens").isPositive();
        assertThat(batchTokens() - before).as("casebook_batch_tokens_total of sandbox task jobs (other jobs may "
                + "count too)").isGreaterThanOrEqualTo(spent);
    }

    /** casebook_batch_tokens_total{kind="sandbox_task_job"} as Prometheus scrapes it. */
    double batchTokens() {
        TestClient.Reply scrape = api().http().get("/actuator/prometheus");
        assertThat(scrape.status()).as(scrape.body()).isEqualTo(200);
        return scrape.body().lines()
                .filter(line -> line.startsWith("casebook_batch_tokens_total{")
                        && line.contains("kind=\"sandbox_task_job\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow();
    }

    @Test
    void a_cancelled_job_stops_and_can_be_resumed() throws Exception {
        Gate generation = new Gate(); // held until the job was cancelled
        LLM.when(Match.interaction("generate-task").and(Match.lastUserMessageContains("Domain: slow domain")))
                .reply(Reply.text(json(sumTask("[slow]"))).heldBy(generation));
        String id = api().createJob("{\"domain\": \"slow domain\", \"tasks\": 1, \"rolloutsPerTask\": 1}");
        assertThat(LLM.awaitRequests(1, Duration.ofSeconds(120))).isTrue();

        TestClient.Reply cancelled = api().http().post("/api/synthesis/sandbox-tasks/" + id + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        TestClient.Reply again = api().http().post("/api/synthesis/sandbox-tasks/" + id + "/cancel", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asString()).isEqualTo("sandbox task job '" + id + "' is cancelled; only"
                + " queued or running jobs can be cancelled");
        assertThat(api().job(id).get("tasks").get("generated").asInt()).as("the interrupted generation is not recorded")
                .isZero();
        generation.open();

        LLM.reset();
        scripts.generator("slow domain", request -> sumTask("[slow]"));
        scripts.agent("[slow]", "open('sum.txt', 'w').write('12')", "12");
        TestClient.Reply resumed = api().http().post("/api/synthesis/sandbox-tasks/" + id + "/resume", "");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        JsonNode done = api().awaitCompleted(id);
        assertThat(done.get("rollouts").get("passed").asInt()).isEqualTo(1);
    }
}
