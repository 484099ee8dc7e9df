package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Dream rollouts end to end ({@link DreamsContext}): grounding by the replay buffer, no real tool ever called, the
 * synthetic case and its reward, bad experience model replies, tenant isolation.
 */
class DreamsIT extends DreamsContext {

    @Test
    void a_dream_is_grounded_by_real_transitions_never_calls_a_real_tool_and_leaves_a_synthetic_case() {
        String real = realTask(api(), "Catalogue widget", "widget");
        assertThat(REAL_CALLS).containsExactly("widget");

        scriptPriceTask("Dream gadget", "gadget", "7.25 EUR");
        LLM.when(Match.interaction("experience").and(task("Dream gadget")))
                .reply(Reply.text(transition("gadget: 7.25 EUR", "0.5", true)));
        LLM.when(Match.interaction("experience-outcome").and(task("Dream gadget")))
                .reply(Reply.text("{\"reasoning\": \"the answer is the price the tool gave\", \"reward\": 1}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Dream gadget: what does the gadget cost?\"], \"rolloutsPerTask\": 1}");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        assertThat(REAL_CALLS).as("a dream called the real tool").containsExactly("widget");

        LlmRequest experience = LLM.requests(Match.interaction("experience")).getFirst();
        assertThat(experience.lastUserMessage())
                .startsWith("Task: Dream gadget: what does the gadget cost?")
                .contains("Real calls of these tools", "Catalogue widget: what does the widget cost?",
                        "Call: price_lookup {\"item\": \"widget\"}", "Result: widget: 12.50 EUR")
                .contains("The agent now calls the tool 'price_lookup' (Looks up the price of an item in the "
                        + "catalogue) with the arguments: {\"item\": \"gadget\"}");
        assertThat(experience.model()).isEqualTo("scripted-world-model");
        assertThat(LLM.requests(Match.interaction("experience-outcome")).getFirst().lastUserMessage())
                .contains("1. price_lookup {\"item\": \"gadget\"} -> gadget: 7.25 EUR", "Final answer: 7.25 EUR");

        JsonNode results = api().get("/api/synthesis/dreams/" + id + "/results").json();
        JsonNode rollout = results.get("rollouts").get(0);
        assertThat(rollout.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(rollout.get("outcome").asString()).isEqualTo("answered");
        assertThat(rollout.get("detail").asString()).isEqualTo("the answer is the price the tool gave");
        JsonNode call = rollout.get("transitions").get(0);
        assertThat(call.get("tool").asString()).isEqualTo("price_lookup");
        assertThat(call.get("reward").asDouble()).isEqualTo(0.5);
        assertThat(call.get("done").asBoolean()).isTrue();
        assertThat(call.get("grounding")).isNotEmpty();
        assertThat(results.get("meanReward").asDouble()).isEqualTo(1.0);

        JsonNode dreamTask = api().get("/api/tasks/" + rollout.get("taskId").asString()).json();
        assertThat(dreamTask.get("source").asString()).isEqualTo("synthetic");
        assertThat(dreamTask.get("reward").asDouble()).isEqualTo(1.0);
        assertThat(dreamTask.get("rewardBy").asString()).isEqualTo("experience-model");
        List<String> returned = new ArrayList<>();
        JsonNode steps = api().get("/api/tasks/" + dreamTask.get("id").asString() + "/steps").json();
        steps.forEach(s -> {
            if (s.get("type").asString().equals("tool_returned")) {
                returned.add(s.get("result").asString());
            }
        });
        assertThat(returned).containsExactly("gadget: 7.25 EUR");
        JsonNode last = steps.get(steps.size() - 1);
        assertThat(last.get("type").asString()).isEqualTo("rewarded");
        assertThat(last.get("by").asString()).isEqualTo("experience-model");

        JsonNode dreamCase = api().get("/api/cases/" + rollout.get("caseId").asString()).json();
        assertThat(dreamCase.get("source").asString()).isEqualTo("synthetic");
        assertThat(dreamCase.get("reward").asDouble()).isEqualTo(1.0);
        JsonNode realCase = api().get("/api/cases/" + api().get("/api/tasks/" + real).json().get("caseId").asString())
                .json();
        assertThat(realCase.get("source").asString()).isEqualTo("real");
        assertThat(api().get("/api/tasks/" + real).json().get("source").asString()).isEqualTo("real");

        List<String> synthetic = new ArrayList<>();
        api().get("/api/tasks?source=synthetic&size=200").json().get("items").forEach(t -> {
            assertThat(t.get("source").asString()).isEqualTo("synthetic");
            synthetic.add(t.get("id").asString());
        });
        assertThat(synthetic).contains(dreamTask.get("id").asString()).doesNotContain(real);
        List<String> answeredReal = new ArrayList<>();
        api().get("/api/tasks?source=real&status=answered&size=200").json().get("items").forEach(t -> {
            assertThat(t.get("source").asString()).isEqualTo("real");
            answeredReal.add(t.get("id").asString());
        });
        assertThat(answeredReal).contains(real).doesNotContain(dreamTask.get("id").asString());
        TestClient.Reply bad = api().get("/api/tasks?source=imagined");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.json().get("detail").asString()).isEqualTo("parameter 'source': source must be one of real, "
                + "synthetic, sandbox, was 'imagined'");
    }

    @Test
    void rollouts_of_one_dreamed_task_keep_the_passing_answer_in_one_positive_case_rated_by_the_success_rate() {
        LLM.when(Match.interaction("plan").and(task("Group dream"))).reply(
                Reply.text("<think>12 * 13</think>{\"answer\": \"FINAL ANSWER: 156\"}"),
                Reply.text("{\"answer\": \"FINAL ANSWER: 155\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Group dream"))).reply(
                Reply.text("{\"reasoning\": \"12 * 13 is 156\", \"reward\": 1}"),
                Reply.text("Judging it: {\"reasoning\": \"off by one\", \"reward\": 0} and that is all."));
        String id = Dreams.start(api(), "{\"tasks\": [\"Group dream: what is 12*13?\"], \"rolloutsPerTask\": 3, "
                + "\"concurrency\": 1, \"memoryMode\": \"read-write\"}");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        JsonNode rollouts = api().get("/api/synthesis/dreams/" + id + "/results").json().get("rollouts");
        List<Double> rewards = new ArrayList<>();
        Set<String> caseIds = new HashSet<>();
        rollouts.forEach(r -> {
            rewards.add(r.get("reward").asDouble());
            caseIds.add(r.get("caseId").asString());
        });
        assertThat(rewards).as("the pass came first, two failures after it").containsExactly(1.0, 0.0, 0.0);
        assertThat(caseIds).as("one case for the task's rollouts").hasSize(1);
        JsonNode dreamCase = api().get("/api/cases/" + caseIds.iterator().next()).json();
        assertThat(dreamCase.get("label").asString()).as("solved once in three: the plan to follow")
                .isEqualTo("positive");
        assertThat(dreamCase.get("answer").asString()).contains("156").doesNotContain("155");
        assertThat(dreamCase.get("reward").asDouble()).as("the group's success rate")
                .isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void a_reply_that_is_not_json_is_sent_back_and_the_corrected_one_is_used() {
        scriptPriceTask("Retry sprocket", "sprocket", "3 EUR");
        LLM.when(Match.interaction("experience").and(task("Retry sprocket")))
                .reply(Reply.text("I would say it costs about 3 EUR."), Reply.text(transition("sprocket: 3 EUR", "null",
                        false)));
        LLM.when(Match.interaction("experience-outcome").and(task("Retry sprocket")))
                .reply(Reply.text("```json\n{\"reasoning\": \"plausible\", \"reward\": 0.8}\n```"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Retry sprocket: what does the sprocket cost?\"], "
                + "\"rolloutsPerTask\": 1, \"memoryMode\": \"off\"}");

        JsonNode rollout = rollout(id);
        List<LlmRequest> asked = LLM.requests(Match.interaction("experience"));
        assertThat(asked).hasSize(2);
        assertThat(asked.get(1).lastUserMessage()).isEqualTo("""
                That reply is not the JSON asked for: the reply contains no JSON object.
                Reply again with only the JSON object: {"reasoning": "...", "observation": "...", "reward": null, \
                "done": false}""");
        assertThat(rollout.get("transitions").get(0).get("attempts").asInt()).isEqualTo(2);
        assertThat(rollout.get("transitions").get(0).get("reward").isNull()).isTrue();
        assertThat(rollout.get("reward").asDouble()).isEqualTo(0.8);
        assertThat(rollout.get("caseId").isNull()).isTrue();
        assertThat(toolResults(rollout)).containsExactly("sprocket: 3 EUR");
        assertThat(REAL_CALLS).isEmpty();
    }

    @Test
    void replies_that_stay_unparseable_fail_the_step_as_a_tool_result_the_agent_sees() {
        scriptPriceTask("Broken cog", "cog", "unknown");
        LLM.when(Match.interaction("experience").and(task("Broken cog")))
                .reply(Reply.text("{\"observation\": \"cog: 1 EUR\", \"reward\": 7}"), Reply.text("no idea"));
        LLM.when(Match.interaction("experience-outcome").and(task("Broken cog")))
                .reply(Reply.text("{\"reasoning\": \"no price was found\", \"reward\": 0}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Broken cog: what does the cog cost?\"], \"rolloutsPerTask\": 1}");

        JsonNode rollout = rollout(id);
        assertThat(LLM.requests(Match.interaction("experience"))).hasSize(3);
        assertThat(toolResults(rollout)).containsExactly("the tool 'price_lookup' could not run: the experience "
                + "model gave no valid observation in 3 attempts (the reply contains no JSON object) (trying again "
                + "later may work)");
        LlmRequest executor = LLM.requests(Match.interaction("execute").and(Match.afterToolResult())).getFirst();
        assertThat(executor.toolResults().getLast()).contains("gave no valid observation in 3 attempts");
        assertThat(rollout.get("transitions").get(0).get("failed").asBoolean()).isTrue();
        assertThat(rollout.get("reward").asDouble()).isZero();
        assertThat(REAL_CALLS).isEmpty();
    }

    @Test
    void a_job_whose_token_budget_is_spent_starts_no_further_rollout_and_says_why() {
        LLM.when(Match.interaction("plan").and(task("Budgeted dream"))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Budgeted dream")))
                .reply(Reply.text("{\"reasoning\": \"right\", \"reward\": 1}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Budgeted dream one: 6 x 7?\", \"Budgeted dream two: 50 - 8?\", "
                + "\"Budgeted dream three: 84 / 2?\"], \"rolloutsPerTask\": 1, \"concurrency\": 1, \"maxTokens\": 1}");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        assertThat(job.get("done").asInt()).isEqualTo(1);
        assertThat(job.get("pending").asInt()).isEqualTo(2);
        long spent = job.get("tokensSpent").asLong();
        assertThat(spent).isPositive();
        assertThat(job.get("error").asString()).isEqualTo("the job's token budget is spent (" + spent + " of 1 tokens, "
                + "the agent's and the experience model's); the items still pending were not run");
        assertThat(job.get("settings").get("maxTokens").asLong()).isEqualTo(1);
        assertThat(LLM.requests(Match.interaction("plan").and(task("Budgeted dream")))).hasSize(1);

        JsonNode unlimited = Dreams.awaitJob(api(), Dreams.start(api(), "{\"tasks\": [\"Budgeted dream four: 2 + 2?\", "
                + "\"Budgeted dream five: 3 + 3?\"], \"rolloutsPerTask\": 1, \"concurrency\": 1}"));
        assertThat(unlimited.get("done").asInt()).isEqualTo(2);
        assertThat(unlimited.get("error").isNull()).isTrue();
        assertThat(unlimited.get("settings").get("maxTokens").isNull()).isTrue();
    }

    @Test
    void the_replay_buffer_and_the_jobs_of_one_tenant_are_invisible_to_another() {
        realTask(api(), "Isolation doohickey", "doohickey");
        TestClient other = api().as(OTHER_KEY);
        scriptPriceTask("Isolation doohickey", "doohickey", "12.50 EUR");
        LLM.when(Match.interaction("experience").and(task("Isolation doohickey")))
                .reply(Reply.text(transition("doohickey: 9 EUR", "null", false)));
        LLM.when(Match.interaction("experience-outcome").and(task("Isolation doohickey")))
                .reply(Reply.text("{\"reasoning\": \"fine\", \"reward\": 1}"));
        String theirs = Dreams.start(other, "{\"tasks\": [\"Isolation doohickey: what does the doohickey cost?\"], "
                + "\"rolloutsPerTask\": 1}");
        Dreams.awaitJob(other, theirs);

        assertThat(LLM.requests(Match.interaction("experience")).getFirst().lastUserMessage())
                .contains("Real calls of these tools, the most similar first; answer as they do:\n(none recorded yet)")
                .doesNotContain("12.50 EUR");
        String search = "{\"task\": \"Isolation doohickey: what does the doohickey cost?\", \"tool\": \"price_lookup\","
                + " \"arguments\": \"{\\\"item\\\": \\\"doohickey\\\"}\"}";
        assertThat(other.post("/api/synthesis/replay/search", search).json()).isEmpty();
        JsonNode mine = api().post("/api/synthesis/replay/search", search).json();
        assertThat(mine.get(0).get("observation").asString()).isEqualTo("doohickey: 12.50 EUR");
        assertThat(other.get("/api/synthesis/replay").json().get("transitions").asLong()).isZero();

        TestClient.Reply foreign = api().get("/api/synthesis/dreams/" + theirs);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.contentType()).startsWith("application/problem+json");
        assertThat(api().post("/api/synthesis/dreams/" + theirs + "/cancel", "").status()).isEqualTo(404);
        assertThat(api().get("/api/synthesis/dreams").json()).noneMatch(j -> j.get("id").asString().equals(theirs));
        assertThat(other.get("/api/synthesis/dreams").json()).anyMatch(j -> j.get("id").asString().equals(theirs));
    }

    @Test
    void once_the_model_says_done_further_calls_are_refused_without_asking_it() {
        LLM.when(Match.interaction("plan").and(task("Finished nut")))
                .reply(Reply.text("{\"subtasks\": [\"Look up the price of the nut\"]}"));
        LLM.when(Match.interaction("execute").and(task("Finished nut")).and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("price_lookup", "{\"item\": \"nut\"}"));
        LLM.when(Match.interaction("execute").and(task("Finished nut")).and(Match.afterToolResult())).times(1)
                .reply(Reply.toolCall("price_lookup", "{\"item\": \"nut, again\"}"));
        LLM.when(Match.interaction("execute").and(task("Finished nut")).and(Match.afterToolResult()))
                .reply(Reply.text("a nut costs 2 EUR"));
        LLM.when(Match.interaction("replan").and(task("Finished nut")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 2 EUR\"}"));
        LLM.when(Match.interaction("experience").and(task("Finished nut")))
                .reply(Reply.text(transition("nut: 2 EUR", "1", true)));
        LLM.when(Match.interaction("experience-outcome").and(task("Finished nut")))
                .reply(Reply.text("{\"reasoning\": \"right\", \"reward\": 1}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Finished nut: what does a nut cost?\"], \"rolloutsPerTask\": 1}");

        JsonNode rollout = rollout(id);
        assertThat(LLM.requests(Match.interaction("experience"))).hasSize(1);
        assertThat(toolResults(rollout)).containsExactly("nut: 2 EUR", DreamEpisode.ENDED);
        assertThat(rollout.get("transitions").get(1).get("failed").asBoolean()).isTrue();
        assertThat(REAL_CALLS).isEmpty();
    }

    @Test
    void a_job_can_be_seeded_with_the_tenants_recorded_tasks() {
        realTask(api(), "Seeded bolt", "bolt");
        LLM.when(Match.interaction("experience").and(task("Seeded bolt")))
                .reply(Reply.text(transition("bolt: 0.20 EUR", "null", false)));
        LLM.when(Match.interaction("experience-outcome").and(task("Seeded bolt")))
                .reply(Reply.text("{\"reasoning\": \"ok\", \"reward\": 1}"));
        String id = Dreams.start(api(), "{\"seedFromRecorded\": 1, \"rolloutsPerTask\": 1, \"memoryMode\": \"off\"}");

        JsonNode rollout = rollout(id);
        assertThat(rollout.get("task").asString()).isEqualTo("Seeded bolt: what does the bolt cost?");
        assertThat(toolResults(rollout)).containsExactly("bolt: 0.20 EUR");
        assertThat(REAL_CALLS).containsExactly("bolt");
    }

    @Test
    void a_jobs_progress_streams_as_server_sent_events_until_it_ends() {
        LLM.when(Match.interaction("plan").and(task("Streamed"))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 2\"}")
                .after(Duration.ofMillis(200)));
        LLM.when(Match.interaction("experience-outcome").and(task("Streamed"))).reply(Reply.text("{\"reward\": 1}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Streamed: 1 + 1?\", \"Streamed: 4 - 2?\"], \"rolloutsPerTask\": 1,"
                + " \"concurrency\": 1, \"memoryMode\": \"off\"}");

        List<String> events = api().events("/api/synthesis/dreams/" + id + "/events");

        assertThat(events.getFirst()).startsWith("progress:").contains("\"total\":2");
        assertThat(events).last().asString().isEqualTo("end:{\"status\":\"completed\"}");
        assertThat(events.get(events.size() - 2)).contains("\"done\":2", "\"meanReward\":1.0",
                "\"status\":\"completed\"");
        assertThat(api().as(OTHER_KEY).get("/api/synthesis/dreams/" + id + "/events").status()).isEqualTo(404);
    }

    /** The only rollout of a job that completed. */
    JsonNode rollout(String id) {
        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        return api().get("/api/synthesis/dreams/" + id + "/results").json().get("rollouts").get(0);
    }

    List<String> toolResults(JsonNode rollout) {
        List<String> results = new ArrayList<>();
        api().get("/api/tasks/" + rollout.get("taskId").asString() + "/steps").json().forEach(s -> {
            if (s.get("type").asString().equals("tool_returned")) {
                results.add(s.get("result").asString());
            }
        });
        return results;
    }
}
