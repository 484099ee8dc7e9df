package dev.casebook.server.sandboxtasks;

import static dev.casebook.server.sandboxtasks.Scripts.sumTask;
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
 * End to end through a server whose default policy is the learned one (issue 15): a sandbox task job's rewards are
 * the validator's, real checks of what the agent did, so they train the policy at weight 1, whatever
 * {@code casebook.synthesis.policy-weight} (the weight of a dream's reward, the experience model's guess) says. The
 * weights are read from the policy's replay buffer ({@code policy_replay.weight}), as {@code DreamPolicyWeightIT}
 * reads a dream's. The sandbox runs the agent's code and the validator in real Python processes.
 */
class SandboxPolicyWeightIT {
    private static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    private static final String REAL = "[weighted-real] Write the sum of the numbers in numbers.txt to sum.txt.";

    @BeforeAll
    static void script() {
        LLM.when(Match.interaction("plan").and(task("[weighted-real]")))
                .reply(Reply.text("<think>3 + 4 + 5.</think>{\"answer\": \"FINAL ANSWER: 12\"}"));
        Scripts scripts = new Scripts(LLM);
        scripts.generator("weighted domain", request -> sumTask("[weighted-sandbox]"));
        scripts.agent("[weighted-sandbox]", "open('sum.txt', 'w').write('12')", "12");
    }

    @AfterAll
    static void close() {
        LLM.close();
    }

    private static LearnedPolicyServer start(String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--casebook.models.executor.model=scripted-executor",
                "--casebook.sandbox-tasks.validator-time=60s")); // a loaded machine starts Python slowly
        args.addAll(List.of(more));
        return LearnedPolicyServer.start("sandbox-weight", LLM, args.toArray(String[]::new));
    }

    /**
     * A real task (its case, unrated), then a sandbox task job of one task and one rollout, read-write, whose rollout
     * is shown that case and passes the validator: the weights of the policy's examples after each stage.
     */
    private static List<List<Double>> weights(LearnedPolicyServer server) throws Exception {
        TestClient http = server.api();
        JobApi api = new JobApi(http, LLM);
        List<List<Double>> stages = new ArrayList<>();

        TestClient.Reply created = http.post("/api/tasks", "{\"text\": \"" + REAL + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        JsonNode real = http.awaitTask(created.json().get("id").asString());
        assertThat(real.get("status").asString()).as(real.toString()).isEqualTo("answered");
        stages.add(server.trainedWeights());

        String job = api.createJob("{\"domain\": \"weighted domain\", \"tasks\": 1, \"rolloutsPerTask\": 1, "
                + "\"concurrency\": 1, \"memoryMode\": \"read-write\"}");
        JsonNode done = api.awaitCompleted(job);
        assertThat(done.get("rollouts").get("passed").asInt()).as(done.toString()).isEqualTo(1);
        JsonNode rollout = api.results(job).get("rolloutResults").get(0);
        assertThat(rollout.get("reward").asDouble()).as("the validator's reward").isEqualTo(1.0);
        JsonNode rolloutTask = http.get("/api/tasks/" + rollout.get("taskId").asString()).json();
        assertThat(rolloutTask.get("selected")).as("the rollout was shown the real case").hasSize(1);
        assertThat(rolloutTask.get("selected").get(0).get("caseId").asString())
                .isEqualTo(real.get("caseId").asString());
        stages.add(server.trainedWeights());
        return stages;
    }

    @Test
    void a_sandbox_rollout_trains_the_learned_policy_at_full_weight_beside_the_default_dream_weight()
            throws Exception {
        try (LearnedPolicyServer server = start()) {
            List<List<Double>> stages = weights(server);

            assertThat(stages.get(0)).as("the real task was shown no case, and has no reward").isEmpty();
            assertThat(stages.get(1)).as("the validator's reward at full weight, not at policy-weight 0.25")
                    .containsExactly(1.0);
        }
    }

    @Test
    void with_policy_weight_zero_a_sandbox_rollout_still_trains_the_learned_policy_at_full_weight() throws Exception {
        try (LearnedPolicyServer server = start("--casebook.synthesis.policy-weight=0")) {
            List<List<Double>> stages = weights(server);

            assertThat(stages.get(0)).isEmpty();
            assertThat(stages.get(1)).as("policy-weight 0 silences dreams only").containsExactly(1.0);
        }
    }
}
