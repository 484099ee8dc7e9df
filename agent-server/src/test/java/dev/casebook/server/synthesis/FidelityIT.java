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
 * The experience model's fidelity measured on the tenant's own records ({@link DreamsContext}; tenant dreamer-c, so
 * that closing its synthetic cases changes no other test): a recorded call predicted again without its own task in
 * the grounding, a rewarded episode judged again, the report stored and shown with dream jobs, and synthetic cases
 * no longer selected once the reward agreement is below the minimum.
 */
class FidelityIT extends DreamsContext {

    @Test
    void a_low_reward_agreement_is_reported_and_closes_synthetic_cases_to_the_tenant() {
        TestClient b = api().as(FIDELITY_KEY);
        JsonNode never = b.get("/api/synthesis/fidelity").json();
        assertThat(never.get("measured").asBoolean()).isFalse();
        assertThat(never.get("syntheticSelectable").asBoolean()).isTrue();
        String real = realTask(b, "Fidelity widget", "widget");
        assertThat(b.post("/api/tasks/" + real + "/feedback", "{\"reward\": 1}").status()).isBetween(200, 299);

        scriptPriceTask("Fidelity dream gizmo", "gizmo", "3 EUR");
        LLM.when(Match.interaction("experience").and(task("Fidelity dream gizmo")))
                .reply(Reply.text(transition("gizmo: 3 EUR", "null", true)));
        LLM.when(Match.interaction("experience-outcome").and(task("Fidelity dream gizmo")))
                .reply(Reply.text("{\"reasoning\": \"right\", \"reward\": 1}"));
        String dream = Dreams.start(b, "{\"tasks\": [\"Fidelity dream gizmo: what does the gizmo cost?\"], "
                + "\"rolloutsPerTask\": 1}");
        assertThat(Dreams.awaitJob(b, dream).get("status").asString()).isEqualTo("completed");
        String dreamCase = b.get("/api/synthesis/dreams/" + dream + "/results").json().get("rollouts").get(0)
                .get("caseId").asString();
        assertThat(selectedCases(b, "Fidelity probe one")).as("before any measurement").contains(dreamCase);

        LLM.when(Match.interaction("experience").and(task("Fidelity widget")))
                .reply(Reply.text("<think>The catalogue prices widgets at 12.50.</think>"
                        + transition("widget: 12.50 EUR", "null", true)));
        LLM.when(Match.interaction("experience-outcome").and(task("Fidelity widget")))
                .reply(Reply.text("<think>No currency check was made.</think>\n```json\n"
                        + "{\"reasoning\": \"the price was not confirmed\", \"reward\": 0}\n```"));
        TestClient.Reply measured = b.post("/api/synthesis/fidelity", "{\"observations\": 1, \"episodes\": 1}");
        assertThat(measured.status()).as(measured.body()).isEqualTo(200);
        JsonNode report = measured.json();
        assertThat(report.get("measured").asBoolean()).isTrue();

        JsonNode observation = report.get("observation");
        assertThat(observation.get("samples").asInt()).isEqualTo(1);
        assertThat(observation.get("successAgreement").asDouble()).isEqualTo(1.0);
        assertThat(observation.get("numberAgreement").asDouble()).isEqualTo(1.0);
        assertThat(observation.get("similarity").asDouble()).isGreaterThan(0.99);
        assertThat(report.get("reward").get("samples").asInt()).isEqualTo(1);
        assertThat(report.get("reward").get("agreement").asDouble()).isZero();
        assertThat(report.get("reward").get("auc").isNull()).as("one outcome only").isTrue();
        assertThat(report.get("rewardAgreement").asDouble()).isZero();
        assertThat(report.get("minRewardAgreement").asDouble()).isEqualTo(0.8);
        assertThat(report.get("syntheticSelectable").asBoolean()).isFalse();
        LlmRequest predicted = LLM.requests(Match.interaction("experience").and(task("Fidelity widget"))).getFirst();
        String grounding = predicted.lastUserMessage().replaceAll("(?s).*Real calls of these tools(.*)Earlier calls.*",
                "$1");
        assertThat(grounding).as("the call's own task is left out of its grounding").doesNotContain("Fidelity widget");
        assertThat(LLM.requests(Match.interaction("experience-outcome").and(task("Fidelity widget"))).getFirst()
                .lastUserMessage()).contains("1. price_lookup {\"item\": \"widget\"} -> widget: 12.50 EUR",
                "Final answer: 12.50 EUR");

        assertThat(selectedCases(b, "Fidelity probe two")).as("synthetic cases are closed").doesNotContain(dreamCase);
        assertThat(b.get("/api/synthesis/dreams/" + dream).json().get("fidelity").get("rewardAgreement").asDouble())
                .isZero();
        assertThat(b.get("/api/synthesis/fidelity").json().get("id").asString())
                .isEqualTo(report.get("id").asString());
        assertThat(b.post("/api/synthesis/fidelity", "{\"episodes\": 201}").json().get("detail").asString())
                .isEqualTo("field 'episodes' must be within [0, 200], was 201");

        LLM.reset(); // the experience model answers nothing now
        TestClient.Reply unanswered = b.post("/api/synthesis/fidelity", "{\"observations\": 1, \"episodes\": 0}");
        assertThat(unanswered.status()).as("refused: no rule matched, a 400").isEqualTo(502);
        assertThat(unanswered.contentType()).startsWith("application/problem+json");
        assertThat(unanswered.json().get("detail").asString())
                .startsWith("the experience model gave no reply (llm_rejected): ").endsWith("; nothing was stored");
        assertThat(b.get("/api/synthesis/fidelity").json().get("id").asString()).as("nothing stored")
                .isEqualTo(report.get("id").asString());
    }

    @Test
    void an_unavailable_experience_model_is_a_503_that_trying_later_may_help_and_stores_nothing() {
        TestClient f = api().as(UNMEASURED_KEY);
        realTask(f, "Fidelity overloaded sprocket", "sprocket");
        LLM.when(Match.interaction("experience").and(task("Fidelity overloaded sprocket")))
                .reply(Reply.status(503, "scripted overload"));
        TestClient.Reply reply = f.post("/api/synthesis/fidelity", "{\"observations\": 1, \"episodes\": 0}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(503);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString())
                .startsWith("the experience model gave no reply (llm_unavailable): ")
                .endsWith("; nothing was stored; trying again later may help");
        assertThat(LLM.requests(Match.interaction("experience"))).as("the one call, not retried").hasSize(1);
        assertThat(f.get("/api/synthesis/fidelity").json().get("measured").asBoolean()).as("nothing stored")
                .isFalse();
    }

    /** The ids of the cases a real task about the gizmo was shown; it answers at once. */
    private List<String> selectedCases(TestClient api, String marker) {
        LLM.when(Match.interaction("plan").and(task(marker)))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 3 EUR\"}"));
        TestClient.Reply created = api.post("/api/tasks", "{\"text\": \"" + marker + ": what does the gizmo cost?\"}");
        JsonNode done = api.awaitTask(created.json().get("id").asString());
        List<String> ids = new ArrayList<>();
        done.get("selected").forEach(s -> ids.add(s.get("caseId").asString()));
        return ids;
    }
}
