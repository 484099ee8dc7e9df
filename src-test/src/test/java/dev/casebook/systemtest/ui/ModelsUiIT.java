package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.testkit.llm.ServerShape;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;

/**
 * The models people run, seen in the browser against the built server: the Settings page shows each role's effective
 * model (the executor's inherited from the planner, marked so) and what the endpoint accepts; the chat shows a
 * reasoning model's reasoning as a collapsed part of the step, with its tokens, and never as the answer.
 */
class ModelsUiIT {
    private static final ScriptedLlmServer llm = script(ScriptedLlmServer.start().imitate(ServerShape.LM_STUDIO));
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-models", server -> server
            .property("casebook.models.planner.base-url", llm.baseUrl())
            .property("casebook.models.planner.model", "qwen3-reasoning")
            .property("casebook.models.judge.keep-reasoning", "false"));
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    private static ScriptedLlmServer script(ScriptedLlmServer llm) {
        llm.when(Match.interaction("plan")).reply(Reply.text("{\"subtasks\": [\"Compute 17*23 with the calculator\"]}")
                .withReasoning("17*23 may be 400, so FINAL ANSWER: 400? I had better compute it."));
        llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"17*23\"}").withReasoning("Use the tool."));
        llm.when(Match.interaction("execute").and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("17*23 = " + r.toolResults().getLast())));
        llm.when(Match.interaction("replan")).reply(Reply.text("<think>The tool said 391.</think>{\"answer\": \"391\"}"));
        return llm;
    }

    @AfterAll
    static void stop_llm() {
        llm.close();
    }

    @Test
    void settings_show_each_roles_effective_model_inherited_ones_marked_and_what_the_endpoint_accepts() {
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/settings");

        assertThat(browser.text(".models-table tr[data-role=executor]"))
                .contains("qwen3-reasoning", llm.baseUrl(), "inherited").doesNotContain("–");
        assertThat(browser.text(".models-table tr[data-role=planner]")).contains("qwen3-reasoning")
                .doesNotContain("inherited");
        String judge = "details.model-details[data-role=judge]";
        browser.click(judge + " > summary");
        assertThat(browser.withText(judge, "keep-reasoning")).contains("keep-reasoning", "false (set)", "structured-output", "auto (default)",
                "model", "qwen3-reasoning (inherited from the planner)");
        // the start-up probe runs in the background; the page shows what it found once it is done
        String planner = "details.model-details[data-role=planner]";
        browser.timeout(Duration.ofSeconds(180)).await(d -> {
            d.navigate().refresh();
            browser.click(planner + " > summary");
            String shown = browser.withText(planner, "structured-output");
            return shown.contains("json_object") && shown.contains("refused: HTTP 400");
        });
        browser.timeout(Browser.DEFAULT_TIMEOUT);
        browser.screenshot("settings-models");
    }

    @Test
    void the_chat_shows_a_reasoning_models_reasoning_collapsed_and_answers_without_it() {
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/chat");
        browser.script("localStorage.clear();");
        browser.open(server.baseUrl() + "/#/chat");
        browser.type("#chat-input", "What is 17*23?", Keys.ENTER);

        browser.withText(".turn .task-status .badge", "answered");
        String reasoning = ".turn .plan details.reasoning";
        assertThat(browser.attribute(reasoning, "open")).isNull();
        assertThat(browser.text(reasoning + " > summary")).matches("Reasoning \\(\\d+ tokens\\)");
        browser.click(reasoning + " > summary");
        assertThat(browser.text(reasoning + " pre")).contains("FINAL ANSWER: 400?");
        assertThat(browser.text(".turn .answer")).contains("391").doesNotContain("400");
        browser.screenshot("chat-reasoning");
    }
}
