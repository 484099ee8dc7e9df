package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The curriculum of dream jobs ({@link DreamsContext}): after the seeds' rollouts, the task the agent solves only
 * sometimes is varied, not the one it always solves nor the one it never does, and the variations become rollouts of
 * the job within its budget. The agent answers every task at once (no tools); the experience model's verdicts decide
 * the rewards.
 */
class DreamCurriculumIT extends DreamsContext {

    static String verdict(double reward) {
        return "{\"reasoning\": \"scripted\", \"reward\": " + reward + "}";
    }

    /** Every task of the marker is answered at once; its verdicts are given per task word. */
    static void script(String marker, Map<String, List<Double>> verdicts) {
        LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        verdicts.forEach((word, rewards) -> {
            Reply first = Reply.text(verdict(rewards.getFirst()));
            Reply[] more = rewards.stream().skip(1).map(r -> Reply.text(verdict(r))).toArray(Reply[]::new);
            LLM.when(Match.interaction("experience-outcome").and(task(marker + " " + word))).reply(first, more);
        });
    }

    @Test
    void the_task_the_agent_is_least_sure_of_is_varied_and_its_variations_are_dreamed() {
        script("Curriculum", Map.of("alpha", List.of(1.0), "beta", List.of(0.0), "gamma", List.of(1.0, 0.0),
                "delta", List.of(1.0), "epsilon", List.of(0.0)));
        LLM.when(Match.interaction("curriculum")).reply(Reply.text("{\"variations\": [\"Curriculum delta: 6 times 7?\","
                + " \"Curriculum epsilon: 84 halved?\", \"Curriculum gamma: what is 40 plus 2?\"]}"));
        double tokensBefore = batchTokens(); // before the job starts: its first rollouts may finish at once
        String id = Dreams.start(api(), """
                {"tasks": ["Curriculum alpha: what is 21 doubled?", "Curriculum beta: what is 50 minus 8?",
                           "Curriculum gamma: what is 40 plus 2?"],
                 "rolloutsPerTask": 2, "concurrency": 2, "curriculum": {"rounds": 1, "tasks": 1, "variations": 3}}""");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        assertThat(batchTokens() - tokensBefore).as("casebook_batch_tokens_total of dream jobs counts the rollouts' "
                + "agent and experience model and the curriculum round, as the job does (other jobs may count too)")
                .isGreaterThanOrEqualTo(job.get("tokensSpent").asLong()).isPositive();
        List<LlmRequest> asked = LLM.requests(Match.interaction("curriculum"));
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().lastUserMessage()).isEqualTo("""
                Task: Curriculum gamma: what is 40 plus 2?

                Success rate: 1 of 2 episodes (mean reward 0.50)""");
        assertThat(asked.getFirst().systemPrompt()).contains("Write 3 new tasks that vary it");

        JsonNode results = api().get("/api/synthesis/dreams/" + id + "/results").json();
        Map<String, JsonNode> tasks = new HashMap<>();
        results.get("tasks").forEach(t -> tasks.put(t.get("task").asString(), t));
        assertThat(tasks).containsOnlyKeys("Curriculum alpha: what is 21 doubled?",
                "Curriculum beta: what is 50 minus 8?", "Curriculum gamma: what is 40 plus 2?",
                "Curriculum delta: 6 times 7?", "Curriculum epsilon: 84 halved?");
        int gamma = tasks.get("Curriculum gamma: what is 40 plus 2?").get("no").asInt();
        assertThat(tasks.get("Curriculum gamma: what is 40 plus 2?").get("variedIn").asInt()).isEqualTo(1);
        assertThat(tasks.get("Curriculum alpha: what is 21 doubled?").get("variedIn").isNull()).isTrue();
        assertThat(tasks.get("Curriculum beta: what is 50 minus 8?").get("variedIn").isNull()).isTrue();
        JsonNode delta = tasks.get("Curriculum delta: 6 times 7?");
        assertThat(delta.get("parent").asInt()).isEqualTo(gamma);
        assertThat(delta.get("round").asInt()).isEqualTo(1);
        assertThat(delta.get("rollouts").asInt()).isEqualTo(2);
        assertThat(delta.get("successRate").asDouble()).isEqualTo(1.0);
        assertThat(tasks.get("Curriculum epsilon: 84 halved?").get("successRate").asDouble()).isZero();

        assertThat(results.get("total").asInt()).isEqualTo(10);
        assertThat(results.get("done").asInt()).isEqualTo(10);
        assertThat(results.get("settings").get("maxRollouts").asInt()).isEqualTo(3 * 2 + 3 * 2);
        JsonNode round = results.get("rounds").get(0);
        assertThat(round.get("outcome").asString()).isEqualTo("proposed");
        assertThat(round.get("summary").get("chosen")).hasSize(1);
        assertThat(round.get("summary").get("chosen").get(0).asInt()).isEqualTo(gamma);
        assertThat(LLM.requests(Match.interaction("experience-outcome").and(task("Curriculum delta")))).hasSize(2);
        assertThat(results.get("curriculum").get("done").asInt()).isEqualTo(1);
    }

    @Test
    void a_job_seeded_from_failed_real_tasks_dreams_them_and_asks_for_harder_variations() {
        String failed = realTask(api(), "Weakspot", "gizmo");
        TestClient.Reply rated = api().post("/api/tasks/" + failed + "/feedback", "{\"reward\": 0}");
        assertThat(rated.status()).as(rated.body()).isBetween(200, 299);
        LLM.reset(); // the real task is done; its dreams are answered at once
        LLM.when(Match.interaction("plan").and(task("Weakspot:")))
                .reply(Reply.text("<think>I know this one.</think>{\"answer\": \"FINAL ANSWER: 12.50 EUR\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Weakspot:")))
                .reply(Reply.text(verdict(1.0)), Reply.text("```json\n" + verdict(0.0) + "\n```"));
        LLM.when(Match.interaction("curriculum")).reply(Reply.text("{\"variations\": [\"Weakspot harder: two gizmos?\"]}"));
        LLM.when(Match.interaction("plan").and(task("Weakspot harder")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 25 EUR\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Weakspot harder"))).reply(Reply.text(verdict(1.0)));

        String id = Dreams.start(api(), """
                {"seedFrom": "failed-real", "seedLimit": 1, "rolloutsPerTask": 2, "concurrency": 1,
                 "curriculum": {"tasks": 1, "variations": 1, "harder": true}}""");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        JsonNode results = api().get("/api/synthesis/dreams/" + id + "/results").json();
        assertThat(results.get("tasks").get(0).get("task").asString()).isEqualTo("Weakspot: what does the gizmo cost?");
        assertThat(results.get("settings").get("seedFrom").asString()).isEqualTo("failed-real");
        List<LlmRequest> asked = LLM.requests(Match.interaction("curriculum"));
        assertThat(asked).hasSize(1);
        assertThat(asked.getFirst().systemPrompt()).contains("each a step harder than it (more steps, more"
                + " constraints or edge cases)").doesNotContain("about as hard");
    }

    @Test
    void the_variations_get_only_what_is_left_of_the_jobs_budget() {
        script("Budgeted", Map.of("gamma", List.of(1.0, 0.0), "delta", List.of(1.0)));
        LLM.when(Match.interaction("curriculum")).reply(Reply.text("[\"Budgeted delta: one\", \"Budgeted delta: two\"]"));
        String id = Dreams.start(api(), """
                {"tasks": ["Budgeted gamma: what is 40 plus 2?"], "rolloutsPerTask": 2, "maxRollouts": 3,
                 "curriculum": {"tasks": 1, "variations": 2}}""");

        Dreams.awaitJob(api(), id);
        JsonNode results = api().get("/api/synthesis/dreams/" + id + "/results").json();
        assertThat(results.get("total").asInt()).isEqualTo(3);
        assertThat(results.get("tasks")).hasSize(2);
        assertThat(results.get("tasks").get(1).get("task").asString()).isEqualTo("Budgeted delta: one");
        assertThat(results.get("tasks").get(1).get("rollouts").asInt()).isEqualTo(1);
        assertThat(results.get("rounds").get(0).get("summary").get("budgetLeft").asInt()).isEqualTo(1);
    }

    @Test
    void a_round_with_no_uncertain_task_varies_nothing() {
        script("Settled", Map.of("alpha", List.of(1.0), "beta", List.of(0.0)));
        String id = Dreams.start(api(), """
                {"tasks": ["Settled alpha: 1 + 1?", "Settled beta: 2 + 2?"], "rolloutsPerTask": 2,
                 "curriculum": {"rounds": 2}}""");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).isEqualTo("completed");
        assertThat(LLM.requests(Match.interaction("curriculum"))).isEmpty();
        JsonNode results = api().get("/api/synthesis/dreams/" + id + "/results").json();
        assertThat(results.get("rounds")).hasSize(2);
        results.get("rounds").forEach(r -> assertThat(r.get("outcome").asString()).isEqualTo("nothing_uncertain"));
        assertThat(results.get("total").asInt()).isEqualTo(4);
    }

    /** casebook_batch_tokens_total{kind="dream_job"} as Prometheus scrapes it. */
    double batchTokens() {
        String scrape = api().get("/actuator/prometheus").body();
        return scrape.lines().filter(line -> line.startsWith("casebook_batch_tokens_total{")
                        && line.contains("kind=\"dream_job\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no dream_job series in " + scrape));
    }
}
