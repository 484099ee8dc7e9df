package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Synthetic evidence is second-class until a real outcome confirms it (issue 15, item 1), through the server
 * ({@link DreamsContext}: real agent, Lucene store, in-process embedder, the scripted LLM server): a dream's reward
 * leaves the counts of the real case it was shown as they were; a real task is shown the dream's case marked
 * {@code (simulated practice)}; a real success confirms it, and the mark goes.
 */
class SyntheticEvidenceIT extends DreamsContext {

    @Test
    void a_dream_leaves_real_counts_alone_and_its_case_is_simulated_practice_until_a_real_success_confirms_it() {
        String real = realTask(api(), "Guarded lamp", "lamp");
        String realCaseId = api().get("/api/tasks/" + real).json().get("caseId").asString();
        JsonNode before = api().get("/api/cases/" + realCaseId).json();

        // a dream of a variation of the real task, rewarded 1 by the experience model
        scriptPriceTask("Guarded lamp, dreamed", "lamp", "12.50 EUR");
        LLM.when(Match.interaction("experience").and(task("Guarded lamp, dreamed")))
                .reply(Reply.text("<think>the catalogue shows prices in EUR</think>\n"
                        + transition("lamp: 12.50 EUR", "1", true)));
        LLM.when(Match.interaction("experience-outcome").and(task("Guarded lamp, dreamed")))
                .reply(Reply.text("Here is my verdict:\n```json\n{\"reasoning\": \"the price the tool gave\","
                        + " \"reward\": 1}\n```"));
        String job = Dreams.start(api(), "{\"tasks\": [\"Guarded lamp, dreamed: what does the lamp cost?\"],"
                + " \"rolloutsPerTask\": 1}");
        assertThat(Dreams.awaitJob(api(), job).get("status").asString()).isEqualTo("completed");
        JsonNode rollout = api().get("/api/synthesis/dreams/" + job + "/results").json().get("rollouts").get(0);
        assertThat(rollout.get("reward").asDouble()).isEqualTo(1.0);
        String dreamCaseId = rollout.get("caseId").asString();

        // the dream was shown the real case, and its reward changed none of that case's counts
        assertThat(LLM.requests(Match.interaction("plan").and(task("Guarded lamp, dreamed"))).getFirst()
                .lastUserMessage()).contains("Task: Guarded lamp: what does the lamp cost?\n");
        JsonNode after = api().get("/api/cases/" + realCaseId).json();
        assertThat(after.get("uses").asInt()).isEqualTo(before.get("uses").asInt());
        assertThat(after.get("successes").asInt()).isEqualTo(before.get("successes").asInt());
        JsonNode dreamCase = api().get("/api/cases/" + dreamCaseId).json();
        assertThat(dreamCase.get("source").asString()).isEqualTo("synthetic");
        assertThat(dreamCase.get("confirmed").asBoolean()).isFalse();

        // a real task is shown the dream's case marked as simulated practice, the real case not
        String first = realTask(api(), "Guarded lamp, for real", "lamp");
        String prompt = planPrompt("Guarded lamp, for real");
        assertThat(prompt).contains("Task: Guarded lamp, dreamed: what does the lamp cost? (simulated practice)\n")
                .contains("Task: Guarded lamp: what does the lamp cost?\n")
                .contains("Cases marked (simulated practice) were rehearsed against a simulation");
        List<String> shown = new ArrayList<>();
        api().get("/api/tasks/" + first).json().get("selected").forEach(c -> shown.add(c.get("caseId").asString()));
        assertThat(shown).contains(dreamCaseId, realCaseId);

        // its success (feedback 1) confirms the dream's case
        assertThat(api().post("/api/tasks/" + first + "/feedback", "{\"reward\": 1}").status()).isEqualTo(200);
        JsonNode confirmed = api().get("/api/cases/" + dreamCaseId).json();
        assertThat(confirmed.get("confirmed").asBoolean()).isTrue();
        assertThat(confirmed.get("uses").asInt()).isEqualTo(1);
        assertThat(confirmed.get("successes").asInt()).isEqualTo(1);

        LLM.reset();
        realTask(api(), "Guarded lamp, again", "lamp");
        assertThat(planPrompt("Guarded lamp, again"))
                .contains("Task: Guarded lamp, dreamed: what does the lamp cost?\n")
                .doesNotContain("(simulated practice)");
    }

    /**
     * {@code casebook.synthesis.max-provisional} (default 2): a tenant whose memory holds one real case and three
     * dreamed ones of the same task is shown all four without the quota, three of them simulated practice; with it
     * two, and the real case keeps its place.
     */
    @Test
    void a_task_is_shown_at_most_two_unconfirmed_synthetic_cases() {
        TestClient quota = new TestClient(port, QUOTA_KEY);
        String real = realTask(quota, "Quota kettle", "kettle");
        String realCaseId = quota.get("/api/tasks/" + real).json().get("caseId").asString();

        scriptPriceTask("Quota kettle", "kettle", "12.50 EUR");
        LLM.when(Match.interaction("experience").and(task("Quota kettle")))
                .reply(Reply.text(transition("kettle: 12.50 EUR", "1", true)));
        LLM.when(Match.interaction("experience-outcome").and(task("Quota kettle")))
                .reply(Reply.text("<think>the tool's price</think>\n{\"reasoning\": \"the price the tool gave\","
                        + " \"reward\": 1}"));
        String job = Dreams.start(quota, "{\"tasks\": [\"Quota kettle, dreamed: what is the price of the kettle?\","
                + " \"Quota kettle in the catalogue: give the kettle's price in euros\","
                + " \"Quota kettle for a gift: is the kettle cheaper than 20 EUR?\"], \"rolloutsPerTask\": 1,"
                + " \"concurrency\": 1}");
        assertThat(Dreams.awaitJob(quota, job).get("status").asString()).isEqualTo("completed");
        Set<String> dreamed = new HashSet<>();
        quota.get("/api/synthesis/dreams/" + job + "/results").json().get("rollouts")
                .forEach(r -> dreamed.add(r.get("caseId").asString()));
        assertThat(dreamed).as("three synthetic cases, none merged into another").hasSize(3);

        String task = realTask(quota, "Quota kettle, for real", "kettle");
        String prompt = planPrompt("Quota kettle, for real");
        assertThat(Pattern.compile(Pattern.quote(" (simulated practice)\n")).matcher(prompt).results().count())
                .as(prompt).isEqualTo(2);
        assertThat(prompt).contains("Task: Quota kettle: what does the kettle cost?\n");
        List<String> sources = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        quota.get("/api/tasks/" + task).json().get("selected").forEach(c -> shown.add(c.get("caseId").asString()));
        shown.forEach(id -> sources.add(quota.get("/api/cases/" + id).json().get("source").asString()));
        assertThat(shown).hasSize(3).contains(realCaseId);
        assertThat(sources).containsExactlyInAnyOrder("real", "synthetic", "synthetic");
    }

    private static String planPrompt(String marker) {
        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task(marker))).getFirst();
        return plan.lastUserMessage();
    }
}
