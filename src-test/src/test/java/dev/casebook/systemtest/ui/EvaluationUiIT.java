package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The Evaluations page against the real server and agent, with the scripted LLM server as the only fake: upload a
 * small dataset, start a run, watch it finish, read its aggregates, items and learning curve, open an item's trace.
 */
class EvaluationUiIT {
    private static final ScriptedLlmServer llm = answeringFortyTwo(ScriptedLlmServer.start());
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-evaluation", server -> server
            .property("casebook.models.planner.base-url", llm.baseUrl())
            .property("casebook.models.planner.model", "scripted-planner")
            .property("casebook.models.planner.api-key", "test-key"));
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    /** Every question gets the answer 42: right for two of the three questions below. */
    private static ScriptedLlmServer answeringFortyTwo(ScriptedLlmServer llm) {
        llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"Recall the answer\"]}"));
        llm.when(Match.interaction("execute")).reply(Reply.text("The answer is 42."));
        llm.when(Match.interaction("replan").or(Match.interaction("answer")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        return llm;
    }

    @AfterAll
    static void stop_llm() {
        llm.close();
    }


    @Test
    void a_small_run_started_from_the_page_finishes_with_aggregates_items_and_a_chart() throws Exception {
        Path dataset = Files.createTempDirectory("eval-ui-").resolve("questions.jsonl");
        Files.write(dataset, List.of(
                "{\"id\": \"q1\", \"question\": \"What is six times seven?\", \"answers\": [\"42\"]}",
                "{\"id\": \"q2\", \"question\": \"The answer to everything?\", \"answers\": [\"42\"]}",
                "{\"id\": \"q3\", \"question\": \"How many days in a week?\", \"answers\": [\"7\"]}"));
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/evaluations");

        browser.visible("form.new-run input[name=file]");
        browser.attach("form.new-run input[name=file]", dataset);
        // the form starts with the API's default (memory off) and says in words what each mode does
        browser.withText("form.new-run .memory-note", "no cases are shown to the agent and none are written");
        browser.select("form.new-run select[name=memoryMode]", "read-write");
        browser.withText("form.new-run .memory-note", "written, with its score, to a new bank of this run");
        browser.withText("form.new-run .memory-note", "read-only banks, which never change");
        browser.click("form.new-run details.more-options summary");
        browser.select("form.new-run select[name=scorer]", "squad");
        browser.replace("form.new-run input[name=maxTokens]", "1000000");
        browser.click("form.new-run button[type=submit]");

        browser.await(d -> d.getCurrentUrl().matches(".*#/evaluations/[0-9a-f-]{36}$"));
        browser.withText(".run-progress .badge", "completed");
        assertThat(browser.text(".run-progress .done-count")).isEqualTo("3 of 3 done");
        assertThat(browser.text(".run-progress .tokens-spent")).matches(" ?· [1-9][0-9]* tokens of a budget of 1000000");
        assertThat(browser.text(".run-progress .run-models"))
                .isEqualTo("Models: planner scripted-planner · executor scripted-planner · judge scripted-planner");
        String runId = browser.driver().getCurrentUrl().replaceAll(".*#/evaluations/", "");
        assertThat(browser.text(".aggregates-table tr[data-group=all] .pass1")).as(() -> server.get("/api/evaluations/runs/" + runId + "/items").body())
                .isEqualTo("66.7 %");
        browser.await(d -> d.findElements(By.cssSelector(".items-table tr.item")).size() == 3);
        assertThat(browser.texts(".items-table tr.item.correct")).hasSize(2);
        assertThat(browser.texts(".items-table tr.item.wrong")).hasSize(1);
        browser.visible(".curve figure.chart svg");
        browser.screenshot("evaluation-finished");

        browser.click(".items-table tr.item.wrong a");
        browser.withText(".drill .answer", "42");
        browser.screenshot("evaluation-item-trace");
    }
}
