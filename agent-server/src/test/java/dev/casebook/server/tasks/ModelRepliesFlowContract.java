package dev.casebook.server.tasks;

import static dev.casebook.testkit.llm.Match.task;
import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ServerShape;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * The replies of the models people run, through the running server with read-write memory in the store of the
 * subclass: reasoning models' think blocks and reasoning fields, plan remnants posing as answers, replies cut at the
 * token limit, context-window errors at each step kind, and what enters memory when a task fails because of the
 * model's reply format (nothing: only the agent's failures become pitfalls).
 */
abstract class ModelRepliesFlowContract {
    static final String KEY = "model-replies-key";
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;

    static void modelProperties(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "tenant-replies");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "reasoning-planner");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "1");
        registry.add("casebook.models.planner.initial-backoff", () -> "20ms");
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    TestClient api() {
        return new TestClient(port, KEY);
    }

    String create(String text, String extra) {
        TestClient.Reply r = api().post("/api/tasks", "{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"" + extra + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("id").asString();
    }

    List<JsonNode> steps(String id, String type) {
        List<JsonNode> out = new ArrayList<>();
        api().get("/api/tasks/" + id + "/steps").json().forEach(s -> {
            if (s.get("type").asString().equals(type)) {
                out.add(s);
            }
        });
        return out;
    }

    /** The cases of the tenant whose task is this text. */
    List<JsonNode> casesOf(String text) {
        List<JsonNode> out = new ArrayList<>();
        api().get("/api/cases?size=200").json().get("items").forEach(c -> {
            if (c.get("task").asString().equals(text)) {
                out.add(c);
            }
        });
        return out;
    }

    /** The number of past cases a plan prompt shows. */
    static int cases(String prompt) {
        return prompt.split("\n    Plan: ", -1).length - 1;
    }

    double notRemembered(String reason) {
        TestClient.Reply r = api().get("/actuator/prometheus");
        Matcher m = Pattern.compile("casebook_memory_episodes_not_remembered_total\\{[^}]*reason=\"" + reason
                + "\"[^}]*} ([0-9.E]+)").matcher(r.body());
        assertThat(m.find()).as("the counter for " + reason + " is registered").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Execute: call the calculator, then report its result; replan: answer with the result. */
    static void scriptCalculation(String marker, String expression) {
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"" + expression + "\"}")
                        .withReasoning("The calculator computes this exactly."));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("<think>The tool said " + r.toolResults().getLast()
                        + ". FINAL ANSWER: 0</think>The result is " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.dynamic(r -> Reply.text(
                "<think>Results are in. Maybe {\"subtasks\": [\"check again\"]}? No.</think>\n{\"answer\": \""
                        + r.lastUserMessage().replaceAll("(?s).*Result: The result is (\\S+).*", "$1") + "\"}")));
    }

    @Test
    void a_think_reply_that_used_to_fail_invalid_plan_now_plans_executes_and_answers() {
        String text = "Reasoning planner: what is 17*23?";
        LLM.when(Match.interaction("plan").and(task("Reasoning planner"))).reply(Reply.text("""
                <think>
                The user wants 17*23. It seems simple: {"answer": "400"} maybe? FINAL ANSWER: 400. Let me
                instead plan: {"subtasks": ["guess"]}
                </think>

                {"subtasks": ["Compute 17*23 with the calculator"]}"""));
        scriptCalculation("Reasoning planner", "17*23");

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("answered");
        assertThat(task.get("answer").asString()).isEqualTo("391");
        JsonNode planned = steps(id, "planned").getFirst();
        assertThat(planned.get("subtasks").get(0).asString()).isEqualTo("Compute 17*23 with the calculator");
        assertThat(planned.get("llm").get("reasoning").asString()).contains("FINAL ANSWER: 400");
        assertThat(planned.get("llm").get("reasoningTokens").asLong()).isPositive();
        assertThat(steps(id, "tool_called").getFirst().get("llm").get("reasoning").asString())
                .isEqualTo("The calculator computes this exactly.");
        assertThat(steps(id, "subtask_done").getFirst().get("result").asString()).isEqualTo("The result is 391");
        assertThat(casesOf(text)).singleElement().satisfies(c -> assertThat(c.get("label").asString())
                .isNotEqualTo("negative"));
        // the plan was asked for as JSON, in the shape of the interaction
        LlmRequest plan = LLM.requests(Match.interaction("plan")).getFirst();
        assertThat(plan.body().at("/response_format/type").asText()).isEqualTo("json_schema");
    }

    @Test
    void a_task_that_fails_because_of_the_reply_format_writes_no_negative_case_and_is_counted() {
        String text = "Unusable planner: how many days are in a fortnight?";
        LLM.when(Match.interaction("plan").and(task("Unusable planner"))).reply(
                Reply.text("<think>A fortnight is two weeks, so {\"answer\": \"14\"} perhaps, but let me"),
                Reply.text("I cannot produce JSON today."),
                Reply.text("```\nsubtasks: count the days\n```"));
        double before = notRemembered("invalid_plan");

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("invalid_plan");
        assertThat(task.get("detail").asString()).contains("no valid JSON plan in 3 attempts");
        assertThat(steps(id, "memory_written")).isEmpty();
        assertThat(steps(id, "memory_skipped")).singleElement()
                .satisfies(s -> assertThat(s.get("reason").asString()).isEqualTo("invalid_plan"));
        assertThat(casesOf(text)).isEmpty();
        assertThat(notRemembered("invalid_plan")).isEqualTo(before + 1);
        assertThat(notRemembered("truncated")).isGreaterThanOrEqualTo(0);

        // the next task on the same topic is shown no pitfall made of that failure
        String next = "Fortnight follow-up: how many days are in two fortnights?";
        LLM.when(Match.interaction("plan").and(task("Fortnight follow-up")))
                .reply(Reply.text("{\"answer\": \"28\"}"));
        JsonNode answered = api().awaitTask(create(next, ""));
        assertThat(answered.get("answer").asString()).as(answered.toString()).isEqualTo("28");
        String prompt = LLM.requests(Match.interaction("plan").and(task("Fortnight follow-up"))).getFirst()
                .lastUserMessage();
        assertThat(prompt).doesNotContain(text).doesNotContain("invalid_plan");
    }

    @Test
    void a_task_that_fails_because_the_model_is_unreachable_writes_no_case_and_is_counted() {
        String text = "Unreachable planner: how many hours are in a day?";
        LLM.when(Match.interaction("plan").and(task("Unreachable planner"))).reply(Reply.serverError());
        double before = notRemembered("llm_unavailable");

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("reason").asString()).as(task.toString()).isEqualTo("llm_unavailable");
        assertThat(steps(id, "memory_written")).isEmpty();
        assertThat(steps(id, "memory_skipped")).singleElement()
                .satisfies(s -> assertThat(s.get("reason").asString()).isEqualTo("llm_unavailable"));
        assertThat(casesOf(text)).isEmpty();
        assertThat(notRemembered("llm_unavailable")).isEqualTo(before + 1);
    }

    @Test
    void a_cancelled_task_writes_no_case_says_so_and_is_counted() throws InterruptedException {
        String text = "Cancelled midway: how many minutes are in a week?";
        LLM.when(Match.interaction("plan").and(task("Cancelled midway")))
                .reply(Reply.text("{\"subtasks\": [\"Multiply 7, 24 and 60\"]}"));
        LLM.when(Match.interaction("execute").and(task("Cancelled midway"))).reply(Reply.hang());
        double before = notRemembered("cancelled");
        String id = create(text, "");
        eventually("the executor's call", () -> LLM.requests(Match.interaction("execute").and(task("Cancelled midway"))),
                requests -> !requests.isEmpty());

        assertThat(api().post("/api/tasks/" + id + "/cancel", "").status()).isEqualTo(202);

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).as(task.toString()).isEqualTo("cancelled");
        assertThat(steps(id, "memory_written")).isEmpty();
        assertThat(steps(id, "memory_skipped")).singleElement()
                .satisfies(s -> assertThat(s.get("reason").asString()).isEqualTo("cancelled"));
        assertThat(casesOf(text)).isEmpty();
        assertThat(notRemembered("cancelled")).isEqualTo(before + 1);
    }

    @Test
    void a_planner_answer_holding_plan_remnants_after_final_answer_gives_the_answer_never_the_fragment() {
        String text = "Remnants: what is 17*23 exactly?";
        LLM.when(Match.interaction("plan").and(task("Remnants"))).reply(
                Reply.text("{\"answer\": \"Subtask 1: multiply. FINAL ANSWER: 391\\n\\nSubtask 2: check "
                        + "{\\\"plan\\\":[{\\\"id\\\":1,\\\"desc\\\"}]}\"}"));

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo("391");
        assertThat(steps(id, "answered").getFirst().get("answer").asString()).isEqualTo("391");
    }

    @Test
    void a_planner_answer_holding_a_plan_is_corrected_like_an_invalid_plan() {
        String text = "Plan in answer: what is 17*23 exactly?";
        LLM.when(Match.interaction("plan").and(task("Plan in answer"))).reply(
                Reply.text("{\"answer\": \"FINAL ANSWER: {\\\"subtasks\\\": [\\\"Compute 17*23\\\"]}\"}"),
                Reply.text("{\"subtasks\": [\"Compute 17*23 with the calculator\"]}"));
        scriptCalculation("Plan in answer", "17*23");

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo("391");
        assertThat(LLM.requests(Match.interaction("plan")).get(1).lastUserMessage())
                .contains("That reply is not a valid plan: the \"answer\" holds a plan");
    }

    @Test
    void a_forced_answer_that_is_a_plan_with_final_answer_in_its_strings_ends_no_answer_never_a_fragment() {
        String text = "Fragments: what is 17*23, forced?";
        LLM.when(Match.interaction("plan").and(task("Fragments")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 17*23\"]}"));
        LLM.when(Match.interaction("execute").and(task("Fragments"))).reply(Reply.text("391"));
        LLM.when(Match.interaction("answer").and(task("Fragments"))).reply(Reply.text(
                "<think>FINAL ANSWER: 391</think>{\"plan\": [{\"id\": 1, \"desc\": \"Subtask 1: FINAL ANSWER: 391\\n\\n"
                        + "Subtask 2: verify {\\\"plan\\\":[{\\\"id\\\":1,\\\"desc\\\"}]}\"}]}"));

        String id = create(text, ",\"budgets\":{\"plannerIterations\":1}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("status").asString()).isEqualTo("failed");
        assertThat(task.get("reason").asString()).isEqualTo("no_answer");
        assertThat(task.get("answer").isNull()).isTrue();
        assertThat(steps(id, "answered")).isEmpty();
        assertThat(LLM.requests(Match.interaction("answer"))).hasSize(2);
        assertThat(casesOf(text)).isEmpty();
    }

    @Test
    void a_reply_cut_at_the_token_limit_fails_truncated_and_writes_no_case() {
        String text = "Cut short: what is 2^20?";
        LLM.when(Match.interaction("plan").and(task("Cut short")))
                .reply(Reply.text("<think>Let me think about 2^20. It is 1048576, so {\"answer\": \"10").truncated());

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("reason").asString()).isEqualTo("truncated");
        assertThat(task.get("detail").asString()).contains("finish_reason: length");
        assertThat(LLM.requests(Match.interaction("plan"))).hasSize(1);
        assertThat(steps(id, "memory_skipped")).hasSize(1);
        assertThat(casesOf(text)).isEmpty();
    }

    @Test
    void a_context_window_error_when_planning_drops_cases_and_asks_once_more() {
        String seed = "Window plan seed: what is 12*12, a gross?";
        LLM.when(Match.interaction("plan").and(task("Window plan seed")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 12*12\"]}"));
        scriptCalculation("Window plan seed", "12*12");
        api().awaitTask(create(seed, ""));
        String text = "Window plan: what is 12*12, a gross?";
        LLM.when(Match.interaction("plan").and(task("Window plan:"))).times(1)
                .reply(Reply.contextWindowExceeded(ServerShape.VLLM));
        LLM.when(Match.interaction("plan").and(task("Window plan:")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 12*12\"]}"));
        scriptCalculation("Window plan:", "12*12");

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).as(task.toString()).isEqualTo("144");
        List<LlmRequest> plans = LLM.requests(Match.interaction("plan").and(task("Window plan:")));
        assertThat(plans).hasSize(2);
        assertThat(plans.get(0).lastUserMessage()).contains(seed);
        assertThat(cases(plans.get(1).lastUserMessage())).isLessThan(cases(plans.get(0).lastUserMessage()));
        JsonNode shrunk = steps(id, "prompt_shrunk").getFirst();
        assertThat(shrunk.get("interaction").asString()).isEqualTo("plan");
        assertThat(shrunk.get("cause").asString()).isEqualTo("context_window_error");
        assertThat(shrunk.get("how").asString()).isEqualTo("fewer cases");
        assertThat(shrunk.get("tokensAfter").asLong()).isLessThan(shrunk.get("tokensBefore").asLong());
    }

    @Test
    void a_context_window_error_when_executing_shortens_earlier_results_and_asks_once_more() {
        String marker = "Window execute";
        String longResult = "y".repeat(3000);
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Read the long page\", \"Summarise it\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.lastUserMessageContains("(1 of 2)")))
                .reply(Reply.text(longResult));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.lastUserMessageContains("(2 of 2)")))
                .times(1).reply(Reply.contextWindowExceeded(ServerShape.LLAMA_CPP));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.lastUserMessageContains("(2 of 2)")))
                .reply(Reply.text("a page of y"));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"a page of y\"}"));

        String id = create(marker + ": read and summarise", "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).as(task.toString()).isEqualTo("a page of y");
        List<LlmRequest> second = LLM.requests(Match.interaction("execute").and(Match.lastUserMessageContains("(2 of 2)")));
        assertThat(second).hasSize(2);
        assertThat(second.get(0).lastUserMessage()).contains(longResult);
        assertThat(second.get(1).lastUserMessage()).contains("[shortened to fit the context window")
                .doesNotContain(longResult);
        JsonNode shrunk = steps(id, "prompt_shrunk").getFirst();
        assertThat(shrunk.get("interaction").asString()).isEqualTo("execute");
        assertThat(shrunk.get("how").asString()).isEqualTo("older subtask results shortened");
    }

    @Test
    void a_context_window_error_when_replanning_or_answering_shortens_older_results_and_asks_once_more() {
        String marker = "Window replan";
        String longResult = "x".repeat(3000);
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Read the long page\", \"Read the other page\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker))).reply(Reply.text(longResult));
        LLM.when(Match.interaction("replan").and(task(marker))).times(1)
                .reply(Reply.contextWindowExceeded(ServerShape.OLLAMA));
        LLM.when(Match.interaction("replan").and(task(marker)))
                .reply(Reply.text("{\"subtasks\": [\"Read a third page\"]}"));
        LLM.when(Match.interaction("answer").and(task(marker))).times(1)
                .reply(Reply.contextWindowExceeded(ServerShape.OPENAI));
        LLM.when(Match.interaction("answer").and(task(marker))).reply(Reply.text("FINAL ANSWER: long pages"));

        String id = create(marker + ": read pages", ",\"budgets\":{\"plannerIterations\":2}");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).as(task.toString()).isEqualTo("long pages");
        for (String interaction : List.of("replan", "answer")) {
            List<LlmRequest> calls = LLM.requests(Match.interaction(interaction));
            assertThat(calls).as(interaction).hasSize(2);
            assertThat(calls.get(0).lastUserMessage()).contains(longResult);
            assertThat(calls.get(1).lastUserMessage()).contains("[shortened to fit the context window")
                    .hasSizeLessThan(calls.get(0).lastUserMessage().length());
        }
        assertThat(steps(id, "prompt_shrunk")).extracting(s -> s.get("interaction").asString())
                .containsExactly("replan", "answer");
    }

    @Test
    void a_context_window_error_with_nothing_left_to_shrink_fails_context_window() {
        String text = "Window hopeless: what is 1+1?";
        LLM.when(Match.interaction("plan").and(task("Window hopeless")))
                .reply(Reply.contextWindowExceeded(ServerShape.DEEPSEEK));

        String id = create(text, "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("reason").asString()).isEqualTo("context_window");
        assertThat(casesOf(text)).isEmpty();
    }

    @Test
    void tool_calls_written_in_the_text_run_the_tool() {
        String marker = "Hermes executor";
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("{\"subtasks\": [\"Compute 6*7\"]}"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult().negate())).reply(
                Reply.text("<think>I will use the calculator.</think>\n<tool_call>\n{\"name\": \"calculator\", "
                        + "\"arguments\": {\"expression\": \"6*7\"}}\n</tool_call>"));
        LLM.when(Match.interaction("execute").and(task(marker)).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("6*7 = " + r.toolResults().getLast())));
        LLM.when(Match.interaction("replan").and(task(marker))).reply(Reply.text("{\"answer\": \"42\"}"));

        String id = create(marker + ": 6*7", "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo("42");
        JsonNode called = steps(id, "tool_called").getFirst();
        assertThat(called.get("dialect").asString()).isEqualTo("hermes");
        assertThat(steps(id, "tool_returned").getFirst().get("result").asString()).isEqualTo("42");
    }

    @Test
    void tokens_are_estimated_and_said_so_when_the_endpoint_sends_no_usage() {
        String marker = "No usage";
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"answer\": \"ok\"}").withoutUsage());

        String id = create(marker + ": say ok", "");

        JsonNode task = api().awaitTask(id);
        assertThat(task.get("answer").asString()).isEqualTo("ok");
        assertThat(task.get("tokens").asLong()).isPositive();
        assertThat(task.get("tokensEstimated").asBoolean()).isTrue();
        assertThat(steps(id, "planned").getFirst().get("llm").get("tokensEstimated").asBoolean()).isTrue();
    }
}
