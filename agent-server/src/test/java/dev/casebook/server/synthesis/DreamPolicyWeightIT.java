package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.memory.LearnedPolicyServer;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * End to end through a server whose default policy is the learned one: a dream job's rewards (the experience model's)
 * train it with {@code casebook.synthesis.policy-weight} (0.25 by default; 0: not at all), a real task's feedback with
 * weight 1. The weights are read from the policy's replay buffer ({@code policy_replay.weight}), where every example it
 * trains on is kept.
 */
class DreamPolicyWeightIT {
    private static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @BeforeAll
    static void script() {
        LLM.when(Match.interaction("plan").and(task("Weighted capital")))
                .reply(Reply.text("<think>Paris, of course.</think>{\"answer\": \"FINAL ANSWER: Paris\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Weighted capital")))
                .reply(Reply.text("Verdict:\n```json\n{\"reasoning\": \"Paris is right\", \"reward\": 1}\n```"));
    }

    @AfterAll
    static void close() {
        LLM.close();
    }

    private static LearnedPolicyServer start(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--casebook.models.experience.model=scripted-world-model"));
        args.addAll(List.of(more));
        return LearnedPolicyServer.start("dream-weight", LLM, args.toArray(String[]::new));
    }

    /**
     * A real task (its case), a dream of a variation of it that is shown that case and rewarded 1 by the experience
     * model, then a real task shown both cases and rewarded 1 by feedback: the weights of the policy's examples, each
     * stage's in order of its rows.
     */
    private static List<List<Double>> weights(LearnedPolicyServer server) throws Exception {
        TestClient api = server.api();
        List<List<Double>> stages = new ArrayList<>();

        realTask(api, "Weighted capital: what is the capital of France?");
        stages.add(server.trainedWeights());

        String job = Dreams.start(api, "{\"tasks\": [\"Weighted capital, dreamed: what is the capital of France?\"],"
                + " \"rolloutsPerTask\": 1, \"memoryMode\": \"read-write\"}");
        JsonNode done = Dreams.awaitJob(api, job);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("completed");
        JsonNode rollout = api.get("/api/synthesis/dreams/" + job + "/results").json().get("rollouts").get(0);
        assertThat(rollout.get("reward").asDouble()).isEqualTo(1.0);
        JsonNode dreamTask = api.get("/api/tasks/" + rollout.get("taskId").asString()).json();
        assertThat(dreamTask.get("selected")).as("the dream was shown the real case").hasSize(1);
        stages.add(server.trainedWeights());

        String real = realTask(api, "Weighted capital, for real: what is the capital of France?");
        assertThat(api.post("/api/tasks/" + real + "/feedback", "{\"reward\": 1}").status()).isEqualTo(200);
        stages.add(server.trainedWeights());
        return stages;
    }

    private static String realTask(TestClient api, String text) {
        TestClient.Reply created = api.post("/api/tasks", "{\"text\": \"" + text + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode done = api.awaitTask(created.json().get("id").asString());
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("answered");
        return done.get("id").asString();
    }

    @Test
    void a_dream_job_trains_the_learned_policy_at_the_default_weight_and_a_real_reward_at_full_weight()
            throws Exception {
        try (LearnedPolicyServer server = start()) {
            List<List<Double>> stages = weights(server);

            assertThat(stages.get(0)).as("the first real task was shown no case, and has no reward").isEmpty();
            assertThat(stages.get(1)).as("the dream's reward, learned at casebook.synthesis.policy-weight")
                    .containsExactly(0.25);
            assertThat(stages.get(2)).as("the real task's feedback at full weight, for each of the two cases shown")
                    .containsExactly(0.25, 1.0, 1.0);
        }
    }

    @Test
    void with_policy_weight_zero_a_dream_job_gives_the_learned_policy_nothing() throws Exception {
        try (LearnedPolicyServer server = start("--casebook.synthesis.policy-weight=0")) {
            List<List<Double>> stages = weights(server);

            assertThat(stages.get(1)).as("no example from the dream").isEmpty();
            assertThat(stages.get(2)).as("the real task still trains it").containsExactly(1.0, 1.0);
        }
    }
}
