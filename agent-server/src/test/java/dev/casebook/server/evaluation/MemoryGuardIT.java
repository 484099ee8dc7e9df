package dev.casebook.server.evaluation;

import static dev.casebook.server.evaluation.EvaluationRuns.run;
import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Multi-epoch read-write runs through the real agent and real case memory (Lucene, in-process embeddings): with the
 * leave-one-task-out guard a question never sees the case written from itself in a later epoch, while it does see
 * the cases of other questions; with the guard off it sees its own earlier answer, as the reference implementation
 * does. An item run again after a cancel (its case written, its record not) rewrites that case and credits the cases
 * it was shown once.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:memoryguard;DB_CLOSE_DELAY=-1",
                "casebook.evaluation.upload-dir=target/eval-uploads-guard"})
class MemoryGuardIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    static final String SPIDERS_3 = "A spider has eight legs. How many legs do three spiders have together?";
    static final String SPIDERS_5 = "Spiders have 8 legs each; count the legs of 5 spiders.";

    @LocalServerPort
    int port;
    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.api-key", () -> "test-key");
        registry.add("casebook.models.planner.timeout", () -> "60s");
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    @Test
    void later_epochs_never_see_the_case_written_from_the_same_question() throws Exception {
        Path data = dir.resolve("spiders.jsonl");
        Files.writeString(data, """
                {"id": "s3", "question": "%s", "answers": ["24"]}
                {"id": "s5", "question": "%s", "answers": ["40"]}
                """.formatted(SPIDERS_3, SPIDERS_5));
        LLM.when(Match.interaction("plan").and(task(SPIDERS_3))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 24\"}"));
        LLM.when(Match.interaction("plan").and(task(SPIDERS_5))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 40\"}"));
        TestClient http = new TestClient(port);

        String guarded = run(http, "{\"dataset\": \"%s\", \"epochs\": 2, \"concurrency\": 1, \"memoryMode\": \"read-write\", \"scorers\": [\"squad\"]}".formatted(data));
        JsonNode run = http.get("/api/evaluations/runs/" + guarded).json();
        assertThat(run.get("settings").get("leaveOneTaskOut").asBoolean()).isTrue();
        List<LlmRequest> threeSpiders = LLM.requests(Match.interaction("plan").and(task(SPIDERS_3)));
        assertThat(threeSpiders).hasSize(2);
        String epoch2 = threeSpiders.get(1).lastUserMessage();
        assertThat(epoch2).doesNotContain("Answer: 24").contains("] Task: " + SPIDERS_5, "Answer: 40");
        JsonNode items = http.get("/api/evaluations/runs/" + guarded + "/results").json().get("items");
        items.forEach(item -> assertThat(item.get("guardLeak").asBoolean()).isFalse());

        String unguarded = run(http, "{\"dataset\": \"%s\", \"limit\": 1, \"memoryMode\": \"read-only\", \"leaveOneTaskOut\": false, \"scorers\": [\"squad\"]}".formatted(data));
        assertThat(http.get("/api/evaluations/runs/" + unguarded).json().get("settings").get("leaveOneTaskOut").asBoolean()).isFalse();
        List<LlmRequest> after = LLM.requests(Match.interaction("plan").and(task(SPIDERS_3)));
        assertThat(after.getLast().lastUserMessage()).contains("Answer: 24");
    }

    @Test
    void a_case_with_the_questions_text_but_another_origin_is_not_selected_while_the_guard_is_on() throws Exception {
        String question = "Which planet has the Great Red Spot? (guard-text)";
        TestClient http = new TestClient(port);
        TestClient.Reply copy = http.post("/api/cases", """
                {"task": "  which planet has the GREAT red spot?\\n(guard-text) ", "plan": "recall it", "answer": "Jupiter (copied)", "reward": 1}""");
        assertThat(copy.status()).as(copy.body()).isEqualTo(201);
        String copyId = copy.json().get("id").asString();
        TestClient.Reply neighbour = http.post("/api/cases", """
                {"task": "Which planet has the most moons? (guard-text)", "plan": "look it up", "answer": "Saturn", "reward": 1}""");
        assertThat(neighbour.status()).as(neighbour.body()).isEqualTo(201);
        Path data = dir.resolve("spot.jsonl");
        Files.writeString(data, "{\"id\": \"spot\", \"question\": \"%s\", \"answers\": [\"Jupiter\"]}\n".formatted(question));
        LLM.when(Match.interaction("plan").and(task(question))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: Jupiter\"}"));

        String guarded = run(http, "{\"dataset\": \"%s\", \"memoryMode\": \"read-only\", \"scorers\": [\"squad\"]}".formatted(data));

        String prompt = LLM.requests(Match.interaction("plan").and(task(question))).getLast().lastUserMessage();
        assertThat(prompt).contains("] Task: Which planet has the most moons? (guard-text)").doesNotContain("Jupiter (copied)");
        JsonNode item = http.get("/api/evaluations/runs/" + guarded + "/results").json().get("items").get(0);
        assertThat(item.get("selectedCases").findValuesAsString("caseId")).isNotEmpty().doesNotContain(copyId);
        assertThat(item.get("guardLeak").asBoolean()).isFalse();

        String unguarded = run(http, "{\"dataset\": \"%s\", \"memoryMode\": \"read-only\", \"leaveOneTaskOut\": false, \"scorers\": [\"squad\"]}".formatted(data));

        prompt = LLM.requests(Match.interaction("plan").and(task(question))).getLast().lastUserMessage();
        assertThat(prompt).contains("Answer: Jupiter (copied)");
        item = http.get("/api/evaluations/runs/" + unguarded + "/results").json().get("items").get(0);
        assertThat(item.get("selectedCases").findValuesAsString("caseId")).contains(copyId);
    }

    @Test
    void an_item_run_again_after_a_cancel_rewrites_its_case_and_counts_no_use_twice() throws Exception {
        String question = "How many arms do seven octopuses have? (rerun)";
        TestClient http = new TestClient(port);
        TestClient.Reply seeded = http.post("/api/cases", """
                {"task": "Name the largest ocean on Earth. (rerun)", "plan": "recall it", "answer": "Pacific", "reward": 1}""");
        assertThat(seeded.status()).as(seeded.body()).isEqualTo(201);
        String seededId = seeded.json().get("id").asString();
        Path data = dir.resolve("octopuses.jsonl");
        Files.writeString(data, "{\"id\": \"o7\", \"question\": \"%s\", \"answers\": [\"56\"]}\n".formatted(question));
        LLM.when(Match.interaction("plan").and(task(question))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 56\"}"));
        // the first verdict is held: the run is cancelled after the agent answered (and wrote its case), before
        // the item was recorded; after the resume the judge answers at once
        String verdict = "{\"rationale\": \"same\", \"judgement\": \"correct\"}";
        Gate firstVerdict = new Gate();
        LLM.when(Match.interaction("judge").and(Match.anyMessageContains("(rerun)")))
                .reply(Reply.text(verdict).heldBy(firstVerdict), Reply.text(verdict));

        TestClient.Reply created = http.post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"memoryMode\": \"read-write\", "
                .formatted(data) + "\"scorers\": [\"judge\"], \"concurrency\": 1}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        eventually("the rerun's first verdict asked", () -> LLM.requests(Match.interaction("judge")
                .and(Match.anyMessageContains("(rerun)"))), requests -> !requests.isEmpty());
        assertThat(http.post("/api/evaluations/runs/" + id + "/cancel", "").status()).isEqualTo(200);
        assertThat(http.get("/api/cases/" + seededId).json().get("uses").asInt()).as("counted when the case was written")
                .isEqualTo(1);
        TestClient.Reply resumed = http.post("/api/evaluations/runs/" + id + "/resume", "");
        if (resumed.status() == 409) { // still stopping
            resumed = eventually("the run resumed once it stopped",
                    () -> http.post("/api/evaluations/runs/" + id + "/resume", ""), r -> r.status() != 409);
        }
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        firstVerdict.open(); // the cancelled run stopped: its judge call is gone, whatever it would get now
        http.await("/api/evaluations/runs/" + id, run -> run.get("status").asString().equals("completed"));

        JsonNode item = http.get("/api/evaluations/runs/" + id + "/results").json().get("items").get(0);
        assertThat(item.get("correct").asBoolean()).isTrue();
        assertThat(LLM.requests(Match.interaction("plan").and(task(question)))).as("the agent ran twice").hasSize(2);
        JsonNode shown = http.get("/api/cases/" + seededId).json();
        assertThat(shown.get("uses").asInt()).as("shown in both runs of the item, counted once").isEqualTo(1);
        assertThat(shown.get("successes").asInt()).isEqualTo(1);
        List<String> written = new ArrayList<>();
        http.get("/api/cases?size=200").json().get("items").forEach(c -> {
            if (c.get("task").asString().equals(question)) {
                written.add(c.get("id").asString());
            }
        });
        String taskId = item.get("taskId").asString();
        assertThat(written).containsExactly(http.get("/api/tasks/" + taskId).json().get("caseId").asString());
    }

    /** The planner request of this question (not one that shows it as a past case). */
    private static Predicate<LlmRequest> task(String question) {
        return request -> request.lastUserMessage().startsWith("Task: " + question);
    }
}
