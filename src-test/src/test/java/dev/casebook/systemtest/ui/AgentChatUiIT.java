package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The chat page against the real server, its real agent and memory, with the scripted LLM server as the only fake:
 * the streamed plan, tool call and answer appear, and feedback puts the episode into the Memory page.
 */
class AgentChatUiIT {
    private static final String QUESTION = "What is 17*23?";
    private static final ScriptedLlmServer llm = scriptCalculatorTask(ScriptedLlmServer.start());
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-agent", server -> server
            .property("casebook.models.planner.base-url", llm.baseUrl())
            .property("casebook.models.planner.model", "scripted-planner")
            .property("casebook.models.planner.api-key", "test-key")
            .property("casebook.models.executor.model", "scripted-executor"));
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    /** Plan one calculator subtask, call the calculator, report, answer; a slow planner so the stream is seen live. */
    private static ScriptedLlmServer scriptCalculatorTask(ScriptedLlmServer llm) {
        llm.when(Match.interaction("plan").and(Match.anyMessageContains("17*23")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 17*23 with the calculator\"]}"));
        llm.when(Match.interaction("execute").and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"17*23\"}"));
        llm.when(Match.interaction("execute").and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("17*23 = " + r.toolResults().getLast())));
        llm.when(Match.interaction("replan"))
                .reply(Reply.text("{\"answer\": \"The product is **391**.\\nFINAL ANSWER: 391\"}")
                        .after(Duration.ofMillis(500)));
        return llm;
    }

    @AfterAll
    static void stop_llm() {
        llm.close();
    }


    @Test
    void a_question_streams_plan_tool_call_and_answer_and_feedback_puts_the_case_into_memory() throws Exception {
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/chat");
        browser.script("localStorage.clear();");
        browser.open(server.baseUrl() + "/#/chat");
        browser.select("select[name=memoryMode]", "read-write");
        browser.type("#chat-input", QUESTION, Keys.ENTER);

        String taskId = browser.await(d -> d.findElement(By.cssSelector(".turn")).getDomAttribute("data-task-id"));
        assertThat(browser.withText(".turn .plans .plan li", "Compute 17*23 with the calculator"))
                .isEqualTo("Compute 17*23 with the calculator");
        String call = ".turn details.tool-call[data-tool=calculator]";
        browser.withText(call, "done");
        browser.click(call + " summary");
        assertThat(browser.text(call + " .tool-result pre")).isEqualTo("391");
        browser.withText(".turn .answer", "391");
        assertThat(browser.text(".turn .answer p")).isEqualTo("391");
        browser.withText(".turn .task-status .badge", "answered");
        browser.screenshot("agent-chat-answered");

        browser.click(".turn .thumb.up");
        browser.withText(".turn .feedback", "thumbs up recorded");
        JsonNode task = json(server.get("/api/tasks/" + taskId).body());
        assertThat(task.path("answer").asText()).isEqualTo("391");
        assertThat(task.path("reward").asDouble()).isEqualTo(1.0);

        browser.click(".turn .feedback a[href^='#/memory/']");
        assertThat(browser.text(".page.case .case-task")).isEqualTo(QUESTION);
        browser.screenshot("agent-case-from-feedback");

        browser.open(server.baseUrl() + "/#/memory");
        assertThat(browser.withText(".cases-table tbody tr", QUESTION)).contains("positive");
        browser.screenshot("memory-with-case");
    }

    private static JsonNode json(String body) throws Exception {
        return new ObjectMapper().readTree(body);
    }
}
