package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Refutation (issue 15, {@code casebook.synthesis.refute}, default on), through the server ({@link DreamsContext}:
 * real agent, Lucene store, in-process embedder, the scripted LLM server): a real task shown a dream's case and rated
 * 0 through the feedback API refutes that case, and the next similar task's planner is not shown it; a real task that
 * nobody rates refutes nothing; a rated real success still confirms the dream case it was shown. A refuted case
 * reinstated with {@code PATCH /api/cases/{id}} is shown again, until the next rated real failure refutes it again.
 */
class RefutationIT extends DreamsContext {

    @Test
    void a_rated_real_failure_refutes_the_dream_case_it_was_shown_and_an_unrated_task_refutes_nothing() {
        TestClient api = new TestClient(port, REFUTE_KEY);
        realTask(api, "Refute clock", "clock");
        String clockDream = dream(api, "Refute clock, dreamed: what is the price of the clock?", "clock");

        // an unrated real task is shown the dream's case and refutes nothing
        String unrated = realTask(api, "Refute clock, unrated", "clock");
        assertThat(planPrompt("Refute clock, unrated"))
                .contains("Task: Refute clock, dreamed: what is the price of the clock? (simulated practice)\n");
        assertThat(selected(api, unrated)).contains(clockDream);
        assertThat(api.get("/api/cases/" + clockDream).json().get("refuted").asBoolean()).isFalse();

        // a real task shown it and rated 0 refutes it
        String failed = realTask(api, "Refute clock, for real", "clock");
        assertThat(selected(api, failed)).contains(clockDream);
        assertThat(api.post("/api/tasks/" + failed + "/feedback", "{\"reward\": 0}").status()).isEqualTo(200);
        JsonNode refuted = api.get("/api/cases/" + clockDream).json();
        assertThat(refuted.get("refuted").asBoolean()).isTrue();
        assertThat(refuted.get("confirmed").asBoolean()).isFalse();
        assertThat(refuted.get("source").asString()).isEqualTo("synthetic");

        // the next similar task's planner is not shown it
        String next = realTask(api, "Refute clock, again", "clock");
        assertThat(planPrompt("Refute clock, again")).doesNotContain("Refute clock, dreamed");
        assertThat(selected(api, next)).isNotEmpty().doesNotContain(clockDream);

        // a rated real success still confirms the dream case it was shown, which is not refuted
        String vaseDream = dream(api, "Refute vase, dreamed: what is the price of the vase?", "vase");
        String succeeded = realTask(api, "Refute vase, for real", "vase");
        assertThat(selected(api, succeeded)).contains(vaseDream);
        assertThat(api.post("/api/tasks/" + succeeded + "/feedback", "{\"reward\": 1}").status()).isEqualTo(200);
        JsonNode confirmed = api.get("/api/cases/" + vaseDream).json();
        assertThat(confirmed.get("confirmed").asBoolean()).isTrue();
        assertThat(confirmed.get("refuted").asBoolean()).isFalse();
        assertThat(api.get("/api/cases/" + clockDream).json().get("refuted").asBoolean()).isTrue();
    }

    @Test
    void a_refuted_dream_case_reinstated_through_the_api_is_shown_again_and_refuted_again_by_the_next_rated_failure() {
        TestClient api = new TestClient(port, REFUTE_KEY);
        realTask(api, "Reinstate lamp", "lamp");
        String lampDream = dream(api, "Reinstate lamp, dreamed: what is the price of the lamp?", "lamp");
        String failed = realTask(api, "Reinstate lamp, wrongly rated", "lamp");
        assertThat(selected(api, failed)).contains(lampDream);
        assertThat(api.post("/api/tasks/" + failed + "/feedback", "{\"reward\": 0}").status()).isEqualTo(200);
        assertThat(api.get("/api/cases/" + lampDream).json().get("refuted").asBoolean()).isTrue();
        String hidden = realTask(api, "Reinstate lamp, hidden", "lamp");
        assertThat(selected(api, hidden)).doesNotContain(lampDream);

        // the rating was a mistake: reinstated, the case is shown to the next similar task again
        TestClient.Reply reinstated = api.method("PATCH", "/api/cases/" + lampDream, "{\"refuted\": false}");
        assertThat(reinstated.status()).as(reinstated.body()).isEqualTo(200);
        assertThat(reinstated.json().get("refuted").asBoolean()).isFalse();
        assertThat(reinstated.json().get("confirmed").asBoolean()).isFalse();
        assertThat(reinstated.json().get("source").asString()).isEqualTo("synthetic");
        assertThat(api.method("PATCH", "/api/cases/" + lampDream, "{\"refuted\": false}").json().get("refuted")
                .asBoolean()).isFalse();
        String shown = realTask(api, "Reinstate lamp, shown again", "lamp");
        assertThat(planPrompt("Reinstate lamp, shown again"))
                .contains("Task: Reinstate lamp, dreamed: what is the price of the lamp? (simulated practice)\n");
        assertThat(selected(api, shown)).contains(lampDream);

        // still unconfirmed: the next rated real failure it is shown to refutes it again
        assertThat(api.post("/api/tasks/" + shown + "/feedback", "{\"reward\": 0}").status()).isEqualTo(200);
        assertThat(api.get("/api/cases/" + lampDream).json().get("refuted").asBoolean()).isTrue();

        // by hand, only an unconfirmed synthetic case can be refuted
        String real = api.get("/api/tasks/" + shown).json().get("caseId").asString();
        TestClient.Reply refused = api.method("PATCH", "/api/cases/" + real, "{\"refuted\": true}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.detail()).isEqualTo("only an unconfirmed synthetic case can be refuted; case " + real
                + " is real");
    }

    /** One dream rollout of {@code text}, rewarded 1 by the experience model; returns the id of its case. */
    private static String dream(TestClient api, String text, String item) {
        String marker = text.substring(0, text.indexOf(':'));
        scriptPriceTask(marker, item, "12.50 EUR");
        LLM.when(Match.interaction("experience").and(task(marker)))
                .reply(Reply.text("<think>the catalogue shows prices in EUR</think>\n"
                        + transition(item + ": 12.50 EUR", "1", true)));
        LLM.when(Match.interaction("experience-outcome").and(task(marker)))
                .reply(Reply.text("Verdict:\n```json\n{\"reasoning\": \"the price the tool gave\", \"reward\": 1}\n```"));
        String job = Dreams.start(api, "{\"tasks\": [\"" + text + "\"], \"rolloutsPerTask\": 1}");
        assertThat(Dreams.awaitJob(api, job).get("status").asString()).isEqualTo("completed");
        JsonNode rollout = api.get("/api/synthesis/dreams/" + job + "/results").json().get("rollouts").get(0);
        return rollout.get("caseId").asString();
    }

    private static List<String> selected(TestClient api, String taskId) {
        List<String> shown = new ArrayList<>();
        api.get("/api/tasks/" + taskId).json().get("selected").forEach(c -> shown.add(c.get("caseId").asString()));
        return shown;
    }

    private static String planPrompt(String marker) {
        LlmRequest plan = LLM.requests(Match.interaction("plan").and(task(marker))).getFirst();
        return plan.lastUserMessage();
    }
}
