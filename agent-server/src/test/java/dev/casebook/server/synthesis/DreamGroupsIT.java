package dev.casebook.server.synthesis;

import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The rollouts of one dreamed task decided together ({@link DreamGroup}): a passing and a failing rollout give the
 * sandbox tasks' failure analysis both traces and a negative synthetic case with its lesson; a group whose rollouts
 * all passed, or all failed, asks nothing.
 */
class DreamGroupsIT extends DreamsContext {

    /** A pass, then a failure, of a task whose plan answers at once. */
    private static void scriptPassThenFail(String marker) {
        LLM.when(Match.interaction("plan").and(task(marker))).reply(
                Reply.text("<think>12 * 13</think>{\"answer\": \"FINAL ANSWER: 156\"}"),
                Reply.text("{\"answer\": \"FINAL ANSWER: 155\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task(marker))).reply(
                Reply.text("{\"reasoning\": \"12 * 13 is 156\", \"reward\": 1}"),
                Reply.text("Judging it: {\"reasoning\": \"off by one\", \"reward\": 0} and that is all."));
    }

    private JsonNode group(String jobId) {
        JsonNode job = Dreams.awaitJob(api(), jobId);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        JsonNode groups = api().get("/api/synthesis/dreams/" + jobId + "/results").json().get("groups");
        assertThat(groups).as(groups.toString()).hasSize(1);
        return groups.get(0);
    }

    @Test
    void a_passing_and_a_failing_rollout_are_analysed_together_and_the_lesson_goes_to_a_negative_synthetic_case() {
        scriptPassThenFail("Lesson dream");
        LLM.when(Match.interaction("failure-analysis").and(task("Lesson dream"))).reply(Reply.text("""
                <think>The failing one wrote 155: {"lesson": "a draft"}</think>Here is the lesson:
                ```json
                {"lesson": "At the multiplication, do 12 * 13 = 156 instead of stopping at 155."}
                ```
                Hope it helps."""));
        String id = Dreams.start(api(), "{\"tasks\": [\"Lesson dream: what is 12*13?\"], \"rolloutsPerTask\": 2, "
                + "\"concurrency\": 1, \"memoryMode\": \"read-write\"}");

        JsonNode group = group(id);
        List<LlmRequest> analyses = LLM.requests(Match.interaction("failure-analysis").and(task("Lesson dream")));
        assertThat(analyses).as("one analysis for the group").hasSize(1);
        LlmRequest analysis = analyses.getFirst();
        assertThat(analysis.model()).as("asked of the experience model").isEqualTo("scripted-world-model");
        assertThat(analysis.systemPrompt()).contains("worked against a simulation of its tools",
                "Find the first step where the failing attempt differs from the passing one");
        String prompt = analysis.lastUserMessage();
        assertThat(prompt).startsWith("Task: Lesson dream: what is 12*13?");
        String passing = prompt.substring(0, prompt.indexOf("Failing attempt"));
        String failing = prompt.substring(prompt.indexOf("Failing attempt"));
        assertThat(passing).contains("Passing attempt (a rollout the judge rated a success, reward 1.0):",
                "answered: 156", "Final answer: 156").doesNotContain("155");
        assertThat(failing).startsWith("Failing attempt (the judge's verdict: failed, reward 0.0):")
                .contains("answered: 155", "Final answer: 155", "The judge's reasoning:\noff by one")
                .doesNotContain("156");

        String lesson = "At the multiplication, do 12 * 13 = 156 instead of stopping at 155.";
        assertThat(group.get("outcome").asString()).isEqualTo("positive_and_negative");
        assertThat(group.get("lesson").asString()).isEqualTo(lesson);
        JsonNode negative = api().get("/api/cases/" + group.get("negativeCaseId").asString()).json();
        assertThat(negative.get("label").asString()).isEqualTo("negative");
        assertThat(negative.get("source").asString()).as("second-class, as every dream's case").isEqualTo("synthetic");
        assertThat(negative.get("confirmed").asBoolean()).isFalse();
        assertThat(negative.get("answer").asString()).isEqualTo("Not solved (the simulation's judge rated the answer"
                + " '155' a failure). Lesson: " + lesson);

        JsonNode rollouts = api().get("/api/synthesis/dreams/" + id + "/results").json().get("rollouts");
        String positiveId = rollouts.get(0).get("caseId").asString();
        assertThat(rollouts.get(1).get("caseId").asString()).as("both rollouts' evidence in one positive case")
                .isEqualTo(positiveId).isNotEqualTo(negative.get("id").asString());
        JsonNode positive = api().get("/api/cases/" + positiveId).json();
        assertThat(positive.get("label").asString()).isEqualTo("positive");
        assertThat(positive.get("answer").asString()).contains("156").doesNotContain("155");
    }

    @Test
    void a_truncated_analysis_leaves_the_judges_reasoning_as_the_lesson_not_half_a_lesson() {
        scriptPassThenFail("Cut dream");
        LLM.when(Match.interaction("failure-analysis").and(task("Cut dream")))
                .reply(Reply.text("At the multiplication, do 12 * 13 = 1").truncated());
        String id = Dreams.start(api(), "{\"tasks\": [\"Cut dream: what is 12*13?\"], \"rolloutsPerTask\": 2, "
                + "\"concurrency\": 1, \"memoryMode\": \"read-write\"}");

        JsonNode group = group(id);
        assertThat(LLM.requests(Match.interaction("failure-analysis").and(task("Cut dream")))).isNotEmpty();
        String fallback = "The judge rated the attempt a failure (failed, reward 0.0): off by one";
        assertThat(group.get("outcome").asString()).isEqualTo("positive_and_negative");
        assertThat(group.get("lesson").asString()).isEqualTo(fallback);
        JsonNode negative = api().get("/api/cases/" + group.get("negativeCaseId").asString()).json();
        assertThat(negative.get("answer").asString()).isEqualTo("Not solved (the simulation's judge rated the answer"
                + " '155' a failure). Lesson: " + fallback).doesNotContain("12 * 13 = 1");
    }

    @Test
    void groups_whose_rollouts_all_passed_or_all_failed_ask_no_analysis_and_write_no_lesson() {
        LLM.when(Match.interaction("plan").and(task("Sure dream"))).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 4\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Sure dream")))
                .reply(Reply.text("{\"reasoning\": \"2 + 2 is 4\", \"reward\": 1}"));
        LLM.when(Match.interaction("plan").and(task("Hopeless dream")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 5\"}"));
        LLM.when(Match.interaction("experience-outcome").and(task("Hopeless dream")))
                .reply(Reply.text("{\"reasoning\": \"2 + 3 is not 6\", \"reward\": 0}"));
        String id = Dreams.start(api(), "{\"tasks\": [\"Sure dream: what is 2+2?\", \"Hopeless dream: what is 2+3+1?\"],"
                + " \"rolloutsPerTask\": 2, \"memoryMode\": \"read-write\"}");

        JsonNode job = Dreams.awaitJob(api(), id);
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("completed");
        JsonNode groups = api().get("/api/synthesis/dreams/" + id + "/results").json().get("groups");
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).get("task").asString()).startsWith("Sure dream");
        assertThat(groups.get(0).get("outcome").asString()).isEqualTo("positive");
        assertThat(groups.get(1).get("outcome").asString()).as("no reference solution in a dream: no triage")
                .isEqualTo("negative");
        groups.forEach(g -> {
            assertThat(g.get("status").asString()).isEqualTo("done");
            assertThat(g.get("lesson").isNull()).isTrue();
            assertThat(g.get("negativeCaseId").isNull()).isTrue();
        });
        assertThat(LLM.requests(Match.interaction("failure-analysis").and(task("Sure dream")))).isEmpty();
        assertThat(LLM.requests(Match.interaction("failure-analysis").and(task("Hopeless dream")))).isEmpty();
        assertThat(LLM.requests(Match.interaction("triage"))).isEmpty();
    }
}
