package dev.casebook.server.evaluation;

import static dev.casebook.server.evaluation.EvaluationRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Memory integrity, answers are answers (issue 12, item 6), through an evaluation run of the real server: a forced
 * answer that is a JSON plan whose strings hold {@code FINAL ANSWER:} (JSON that does not even parse, as models write
 * it) is no answer. The item ends {@code no_answer} and scores nothing, instead of the text after the marker earning
 * partial F1 credit, and no case is written from it.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:answersareanswers;DB_CLOSE_DELAY=-1",
                "casebook.evaluation.upload-dir=target/eval-uploads-answers"})
class AnswersAreAnswersIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    static final String QUESTION = "What is 17 times 23? (fragments)";
    /** A plan, a comma missing in its only object: the marker sits in a string of JSON that does not parse. */
    static final String BROKEN_PLAN = "<think>FINAL ANSWER: 391</think>\n{\"plan\": [{\"id\": 1, \"desc\": \"Subtask 1: "
            + "multiply. FINAL ANSWER: 391 - Subtask 2: check\" \"verify\"}]}";

    @LocalServerPort
    int port;
    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> "scripted-planner");
        registry.add("casebook.models.planner.timeout", () -> "5s");
        registry.add("casebook.memory.store", () -> "lucene");
        registry.add("casebook.memory.dir", () -> "target/cases-" + UUID.randomUUID());
    }

    @AfterAll
    static void stop() {
        LLM.close();
    }

    @Test
    void a_forced_answer_that_is_a_plan_with_final_answer_in_its_strings_scores_nothing_and_writes_no_case()
            throws Exception {
        Path data = dir.resolve("fragments.jsonl");
        Files.writeString(data, "{\"id\": \"f1\", \"question\": \"%s\", \"answers\": [\"391\"]}\n".formatted(QUESTION));
        LLM.when(Match.interaction("plan").and(task(QUESTION)))
                .reply(Reply.text("{\"subtasks\": [\"Compute 17*23\"]}"));
        LLM.when(Match.interaction("execute").and(task(QUESTION))).reply(Reply.text("17*23 is 391"));
        LLM.when(Match.interaction("replan").and(task(QUESTION)))
                .reply(Reply.text("{\"subtasks\": [\"Check 17*23 once more\"]}"));
        LLM.when(Match.interaction("answer").and(task(QUESTION))).reply(Reply.text(BROKEN_PLAN));
        TestClient http = new TestClient(port);

        String id = run(http, "{\"dataset\": \"%s\", \"memoryMode\": \"read-write\", \"scorers\": [\"deepresearcher\"]}"
                .formatted(data));

        JsonNode item = http.get("/api/evaluations/runs/" + id + "/results").json().get("items").get(0);
        assertThat(item.get("outcome").asString()).as(item.toString()).isEqualTo("no_answer");
        assertThat(item.get("prediction").isNull()).as(item.toString()).isTrue();
        assertThat(item.get("correct").asBoolean()).isFalse();
        JsonNode score = item.get("scores").get("deepresearcher");
        assertThat(score.get("value").asDouble()).as(score.toString()).isZero();
        assertThat(LLM.requests(Match.interaction("answer").and(task(QUESTION)))).as("refused once, then no_answer")
                .hasSize(2);
        http.get("/api/cases?size=200").json().get("items")
                .forEach(c -> assertThat(c.get("task").asString()).isNotEqualTo(QUESTION));
        JsonNode task = http.get("/api/tasks/" + item.get("taskId").asString()).json();
        assertThat(task.get("reason").asString()).isEqualTo("no_answer");
        assertThat(task.get("answer").isNull()).isTrue();
    }

    /** A request of the agent for this question (one of its messages names it). */
    private static Predicate<LlmRequest> task(String question) {
        return Match.anyMessageContains(question);
    }
}
