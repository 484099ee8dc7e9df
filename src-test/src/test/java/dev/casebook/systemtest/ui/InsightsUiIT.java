package dev.casebook.systemtest.ui;

import static dev.casebook.testkit.Eventually.eventually;
import static dev.casebook.testkit.llm.Match.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.ModelText;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The distilled insights a task's planner was shown, in the run view of the chat (issue 19 item 3), against the
 * built server with insights on: three rated tasks of one family are distilled (through the scripted {@code distil}
 * reply, messy and with markup in its lesson) into an insight; the next task of the family, asked in the chat, shows
 * it under the selected cases with its family and evidence, its markup as text.
 */
class InsightsUiIT {
    /** Markup a model could write into a lesson: it must reach the page as text. */
    private static final String HOSTILE_TEXT = "For mile to km conversions, multiply by 1.609344 "
            + "<img src=x onerror=window.__pwned=1>; avoid rounding to 1.6.";
    private static final String HOSTILE_FAMILY = "mile <b>conversions</b>";
    private static final List<String> FAMILY = List.of("Convert 3 miles to kilometres.",
            "How many kilometres are 40 miles?", "Convert 12 miles into kilometres.");
    private static final String NEXT = "Convert 100 miles to kilometres.";
    private static final ScriptedLlmServer llm = scripted(ScriptedLlmServer.start());
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-insights", server -> server
            .property("casebook.models.planner.base-url", llm.baseUrl())
            .property("casebook.models.planner.model", "scripted-planner")
            .property("casebook.memory.insights.enabled", "true")
            // InsightsFlowIT checks that these tasks' cosines are above 0.6
            .property("casebook.memory.insights.family-similarity", "0.6")
            .property("casebook.memory.insights.min-family-size", "3"));
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    private static ScriptedLlmServer scripted(ScriptedLlmServer llm) {
        List<String> answers = List.of("4.83", "64.37", "19.2", "160.93");
        List<String> tasks = List.of(FAMILY.get(0), FAMILY.get(1), FAMILY.get(2), NEXT);
        for (int i = 0; i < tasks.size(); i++) {
            llm.when(Match.interaction("plan").and(task(tasks.get(i)))).reply(ModelText.thinking("Known factor.")
                    .then("{\"answer\": \"FINAL ANSWER: " + answers.get(i) + "\"}").reply());
        }
        llm.when(Match.interaction("distil")).reply(
                ModelText.thinking("The successes multiply by the exact factor; the failure rounded.")
                        .line("Here is the lesson:")
                        .fenced("{\"family\": \"%s\", \"insight\": \"%s\"}".formatted(HOSTILE_FAMILY, HOSTILE_TEXT))
                        .reply());
        return llm;
    }

    @AfterAll
    static void stop_llm() {
        llm.close();
    }

    private void runAndRate(TestClient api, String text, double reward) {
        TestClient.Reply created = api.post("/api/tasks", "{\"text\":\"" + text + "\",\"memoryMode\":\"read-write\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(202);
        String id = created.json().get("id").asString();
        assertThat(api.awaitTask(id).path("status").asString()).isEqualTo("answered");
        TestClient.Reply rated = api.post("/api/tasks/" + id + "/feedback", "{\"reward\":" + reward + "}");
        assertThat(rated.status()).as(rated.body()).isEqualTo(200);
    }

    @Test
    void the_run_view_shows_the_insight_the_planner_was_shown_with_its_family_and_evidence_as_text() {
        TestClient api = new TestClient(server.port());
        runAndRate(api, FAMILY.get(0), 1);
        runAndRate(api, FAMILY.get(1), 1);
        runAndRate(api, FAMILY.get(2), 0);
        eventually("the family's insight", () -> api.get("/api/memory/insights").json().get("items"),
                items -> items.size() == 1 && items.get(0).get("members").asInt() == 3);

        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/chat");
        browser.script("localStorage.clear();");
        browser.open(server.baseUrl() + "/#/chat");
        browser.act(By.cssSelector("#chat-input"), input -> {
            input.clear();
            input.sendKeys(NEXT, Keys.ENTER);
            return true;
        });

        browser.timeout(Duration.ofSeconds(60)).withText(".turn .task-status .badge", "answered");
        assertThat(browser.texts(".turn h3")).contains("Insights shown to the planner");
        String shown = browser.text(".turn .insights .insight");
        assertThat(shown).as("score, family, lesson, evidence").matches("0\\.\\d\\d\\d? \\Q" + HOSTILE_FAMILY + ": "
                + HOSTILE_TEXT + " (from 2 successful and 1 failed tasks)\\E");
        assertThat(browser.all(".turn .insights li")).hasSize(1);
        assertThat(browser.all(".turn .insights img, .turn .insights b"))
                .as("the lesson's markup is text, not elements").isEmpty();
        assertThat(browser.script("return window.__pwned === undefined;")).isEqualTo(true);
        browser.screenshot("insights-run-view");
    }
}
