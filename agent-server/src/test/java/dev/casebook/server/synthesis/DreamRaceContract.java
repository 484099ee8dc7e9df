package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12's reproduction through the real server: a read-write dream job at concurrency 2 with two rollouts of each
 * task, one rated a success and one a failure by the experience model, leaves exactly one case per task whose
 * evidence holds every rollout, whatever the interleaving (and, once both ended, the task's group adds its negative
 * case with the failure's lesson, {@link DreamGroup}). Runs on each store ({@link DreamRaceIT} on H2 + Lucene,
 * {@link DreamRacePostgresIT} on PostgreSQL + pgvector); the scripted LLM server is the only fake.
 */
abstract class DreamRaceContract {
    static final String KEY = "dream-race-key";
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();

    @LocalServerPort
    int port;

    static {
        // shared by the subclasses, whose contexts may outlive one test class: closed when the JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @BeforeEach
    void fresh() {
        LLM.reset();
    }

    static void common(DynamicPropertyRegistry registry) {
        registry.add("casebook.security.enabled", () -> "true");
        registry.add("casebook.security.api-keys[0].tenant", () -> "racer");
        registry.add("casebook.security.api-keys[0].sha256", () -> ApiKeys.sha256(KEY));
        registry.add("casebook.attachments.dir", () -> "target/attachments-" + UUID.randomUUID());
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.models.planner.max-retries", () -> "0");
        registry.add("casebook.models.experience.model", () -> "scripted-world-model");
    }

    @Test
    void concurrent_rollouts_of_one_task_end_in_one_case_holding_every_rollouts_evidence() {
        Map<String, String> answers = Map.of("What is 12*13?", "156", "Please compute 17*23.", "391");
        answers.forEach((text, answer) -> {
            String marker = text.substring(text.indexOf('*') - 2, text.indexOf('*') + 3);
            // the answer comes late so that the two rollouts of a task are in flight together; the test holds
            // whatever the interleaving
            LLM.when(Match.interaction("plan").and(task(marker))).reply(Reply.text(
                    "<think>simple arithmetic</think>\n{\"answer\": \"FINAL ANSWER: " + answer + "\"}")
                    .after(Duration.ofMillis(300)));
            LLM.when(Match.interaction("experience-outcome").and(task(marker))).reply(
                    Reply.text("{\"reasoning\": \"the product is right\", \"reward\": 1}"),
                    Reply.text("Judging strictly: {\"reasoning\": \"the working was not shown\", \"reward\": 0}"));
        });
        TestClient api = new TestClient(port, KEY);
        String id = Dreams.start(api, "{\"tasks\": [\"What is 12*13?\", \"Please compute 17*23.\"], \"rolloutsPerTask\": 2, "
                + "\"concurrency\": 2, \"memoryMode\": \"read-write\"}");

        JsonNode job = Dreams.awaitJob(api, id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        Map<String, Set<String>> episodes = new HashMap<>();
        Map<String, Set<String>> caseIds = new HashMap<>();
        Map<String, List<Double>> rewards = new HashMap<>();
        JsonNode rollouts = api.get("/api/synthesis/dreams/" + id + "/results").json().get("rollouts");
        assertThat(rollouts).hasSize(4);
        rollouts.forEach(r -> {
            String text = r.get("task").asString();
            episodes.computeIfAbsent(text, t -> new HashSet<>()).add(r.get("taskId").asString());
            caseIds.computeIfAbsent(text, t -> new HashSet<>()).add(r.get("caseId").asString());
            rewards.computeIfAbsent(text, t -> new ArrayList<>()).add(r.get("reward").asDouble());
        });
        assertThat(rewards).as(rollouts.toString()).allSatisfy((text, r) -> assertThat(r).as(text).containsExactlyInAnyOrder(1.0, 0.0));
        assertThat(caseIds).allSatisfy((text, ids) -> assertThat(ids).as("cases of " + text).hasSize(1));

        JsonNode cases = api.get("/api/cases?size=100").json();
        // per task: the one case of its rollouts, and the group's negative case with the lesson of the failure
        assertThat(cases.get("total").asLong()).as(cases.toString()).isEqualTo(4);
        List<String> texts = new ArrayList<>();
        List<String> lessons = new ArrayList<>();
        cases.get("items").forEach(c -> {
            String text = c.get("task").asString();
            JsonNode history = api.get("/api/cases/" + c.get("id").asString() + "/history").json();
            Set<String> seen = new HashSet<>();
            List<Double> rated = new ArrayList<>();
            history.get("events").forEach(e -> {
                seen.add(e.get("episode").asString());
                if (e.get("rater").asString().equals("experience-model")) {
                    rated.add(e.get("reward").asDouble());
                }
            });
            if (c.get("label").asString().equals("negative")) {
                lessons.add(text);
                assertThat(c.get("answer").asString()).contains("Lesson: ");
                assertThat(episodes.get(text)).as(history.toString()).containsAll(seen);
                assertThat(rated).as(history.toString()).containsExactly(0.0);
                return;
            }
            texts.add(text);
            assertThat(caseIds.get(text)).containsExactly(c.get("id").asString());
            assertThat(seen).as(history.toString()).isEqualTo(episodes.get(text));
            assertThat(rated).as(history.toString()).containsExactlyInAnyOrder(1.0, 0.0);
        });
        assertThat(lessons).containsExactlyInAnyOrderElementsOf(answers.keySet());
        assertThat(texts).containsExactlyInAnyOrderElementsOf(answers.keySet());
    }
}
