package dev.casebook.server.synthesis;

import static dev.casebook.server.synthesis.Dreams.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
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
        java.util.List<String> shown = new java.util.ArrayList<>();
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

    private static String planPrompt(String marker) {
        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task(marker))).getFirst();
        return plan.lastUserMessage();
    }
}
