package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The Synthesis page against the real server, agent, experience model client and sandbox, with the scripted LLM
 * server as the only fake: a dream job and a sandbox task job started from the page run to the end and show their
 * tasks, rollouts and a rollout's trace; a slow dream job is cancelled and resumed from its page.
 */
class SynthesisUiIT {
    private static final String SUM_VALIDATOR = """
            with open("sum.txt") as f:
                value = f.read().strip()
            assert value == "12", "sum.txt holds %r, expected 12" % value
            """;
    private static final String SUM_CODE = """
            total = sum(int(line) for line in open("numbers.txt") if line.strip())
            open("sum.txt", "w").write(str(total))
            print(total)
            """;
    /** Holds the slow dream's first plan reply until the job was cancelled. */
    private static final Gate slowDream = new Gate();
    private static final ScriptedLlmServer llm = scripted(ScriptedLlmServer.start());
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-synthesis", server -> server
            .property("casebook.models.planner.base-url", llm.baseUrl())
            .property("casebook.models.planner.model", "scripted-planner")
            .property("casebook.models.planner.api-key", "test-key"));
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /**
     * Dreams: the agent answers 42 at once and the experience model rates it 1 ("Dream gadget") or, after a first
     * reply held until the test cancelled the job, at once ("Slow dream"). Sandbox tasks: the generator of "file arithmetic" proposes
     * summing numbers.txt into sum.txt, and the agent does so with execute_code.
     */
    private static ScriptedLlmServer scripted(ScriptedLlmServer llm) {
        String answer = "{\"answer\": \"FINAL ANSWER: 42\"}";
        llm.when(Match.interaction("plan").and(Match.anyMessageContains("Slow dream")))
                .reply(Reply.text(answer).heldBy(slowDream), Reply.text(answer));
        llm.when(Match.interaction("plan").and(Match.anyMessageContains("Dream gadget"))).reply(Reply.text(answer));
        llm.when(Match.interaction("experience-outcome"))
                .reply(Reply.text("{\"reasoning\": \"42 is what the catalogue says\", \"reward\": 1}"));

        llm.when(Match.interaction("generate-task").and(Match.lastUserMessageContains("Domain: file arithmetic")))
                .reply(Reply.text("{\"statement\": \"Sum task: write the sum of the numbers in numbers.txt to "
                        + "sum.txt.\", \"files\": {\"numbers.txt\": \"3\\n4\\n5\\n\"}, \"validator\": "
                        + json(SUM_VALIDATOR) + ", \"reference\": " + json(SUM_CODE) + ", \"near_miss\": "
                        + json("open('sum.txt', 'w').write('13')") + ", \"difficulty\": 2}"));
        llm.when(Match.interaction("plan").and(Match.anyMessageContains("Sum task")))
                .reply(Reply.text("{\"subtasks\": [\"Write sum.txt with execute_code\"]}"));
        llm.when(Match.interaction("execute").and(Match.anyMessageContains("Sum task"))
                        .and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("execute_code", "{\"language\": \"python\", \"code\": " + json(SUM_CODE) + "}"));
        llm.when(Match.interaction("execute").and(Match.anyMessageContains("Sum task")).and(Match.afterToolResult()))
                .reply(Reply.text("sum.txt now holds 12."));
        llm.when(Match.interaction("replan").and(Match.anyMessageContains("Sum task")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 12\"}"));
        return llm;
    }

    @AfterAll
    static void stop_llm() {
        slowDream.open();
        llm.close();
    }

    private void openPage() {
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/synthesis");
        browser.visible(".synthesis h1");
    }

    private void type(String css, String text) {
        browser.replace(css, text);
    }

    @Test
    void the_experience_models_fidelity_is_measured_from_the_page() {
        openPage();
        browser.withText(".fidelity", "Not measured yet");
        browser.click(".fidelity button");

        String report = ".fidelity .fidelity-report";
        assertThat(browser.attribute(report, "data-selectable")).isEqualTo("true");
        assertThat(browser.text(report)).contains("Reward agreement", "over 0 episodes (minimum 80.0 %)",
                "Synthetic cases", "selectable");
        browser.screenshot("synthesis-fidelity");
    }

    @Test
    void a_dream_job_started_from_the_page_shows_its_tasks_rollouts_and_a_trace() {
        openPage();
        type("form.new-job[data-kind=dreams] textarea[name=tasks]", "Dream gadget: what does the gadget cost?");
        type("form.new-job[data-kind=dreams] input[name=rolloutsPerTask]", "2");
        browser.click("form.new-job[data-kind=dreams] button[type=submit]");

        browser.await(d -> d.getCurrentUrl().matches(".*#/synthesis/dreams/[0-9a-f-]{36}$"));
        browser.withText(".job-progress .badge", "completed");
        assertThat(browser.text(".job-progress .done-count")).isEqualTo("2 of 2 rollouts done");
        assertThat(browser.text(".job-progress .job-summary"))
                .matches("2 of 2 rated rollouts succeeded · mean reward 1\\.000 · [1-9][0-9]* tokens");
        browser.await(d -> d.findElements(By.cssSelector(".dream-rollouts tr.rollout.correct")).size() == 2);
        assertThat(browser.text(".dream-tasks tr.task .success")).isEqualTo("100.0 %");
        assertThat(browser.text(".dream-rollouts tr.rollout")).contains("42 is what the catalogue says");
        browser.screenshot("synthesis-dream-finished");

        browser.click(".dream-rollouts tr.rollout a");
        browser.withText(".drill .answer", "42");

        browser.click(By.linkText("← All jobs"));
        browser.await(d -> !d.findElements(By.cssSelector(".dream-jobs tr[data-job-id]")).isEmpty());
        assertThat(browser.text(".dream-jobs tr[data-job-id]")).contains("completed", "2 / 2");
    }

    @Test
    void a_sandbox_task_job_started_from_the_page_keeps_its_verified_task_and_shows_the_passed_rollout() {
        openPage();
        type("form.new-job[data-kind=sandbox-tasks] input[name=domain]", "file arithmetic");
        type("form.new-job[data-kind=sandbox-tasks] input[name=tasks]", "1");
        type("form.new-job[data-kind=sandbox-tasks] input[name=rolloutsPerTask]", "1");
        browser.click("form.new-job[data-kind=sandbox-tasks] button[type=submit]");

        browser.await(d -> d.getCurrentUrl().matches(".*#/synthesis/sandbox-tasks/[0-9a-f-]{36}$"));
        browser.timeout(Duration.ofSeconds(180)).withText(".job-progress .badge", "completed");
        browser.timeout(Browser.DEFAULT_TIMEOUT);
        assertThat(browser.text(".job-progress .job-summary"))
                .matches("1 of 1 generated tasks kept \\(1 asked\\) · 1 rollouts passed, success rate 100\\.0 % · "
                        + "[1-9][0-9]* tokens");
        browser.await(d -> d.findElements(By.cssSelector(".sandbox-rollouts tr.rollout.correct")).size() == 1);
        String kept = ".generated-tasks tr.generated.kept";
        assertThat(browser.text(kept)).contains("kept", "Sum task: write the sum");
        browser.click(kept + " summary");
        assertThat(browser.text(kept + " pre")).contains("sum.txt holds");
        browser.screenshot("synthesis-sandbox-finished");
    }

    @Test
    void a_dream_job_is_cancelled_and_resumed_from_its_page() {
        openPage();
        type("form.new-job[data-kind=dreams] textarea[name=tasks]", "Slow dream: what is six times seven?");
        type("form.new-job[data-kind=dreams] input[name=rolloutsPerTask]", "1");
        browser.click("form.new-job[data-kind=dreams] details.more-options summary");
        type("form.new-job[data-kind=dreams] input[name=maxTokens]", "100000");
        browser.click("form.new-job[data-kind=dreams] button[type=submit]");
        browser.await(d -> d.getCurrentUrl().matches(".*#/synthesis/dreams/[0-9a-f-]{36}$"));
        browser.await(d -> !llm.requests(Match.interaction("plan").and(Match.anyMessageContains("Slow dream")))
                .isEmpty());

        // the first plan call is held: the job is surely still running when it is cancelled
        browser.clickButton("Cancel job");
        browser.withText(".job-progress .badge", "cancelled");
        browser.clickButton("Resume job");
        browser.withText(".job-progress .badge", "completed");
        assertThat(browser.text(".job-progress .done-count")).isEqualTo("1 of 1 rollouts done");
        assertThat(browser.text(".job-progress .job-summary")).endsWith("of a budget of 100000");
        assertThat(llm.requests(Match.interaction("plan").and(Match.anyMessageContains("Slow dream")))).hasSize(2);
    }

    @Test
    void a_dream_job_without_tasks_is_not_sent_and_the_page_says_why() {
        openPage();
        browser.click("form.new-job[data-kind=dreams] button[type=submit]");

        assertThat(browser.text("form.new-job[data-kind=dreams] .error"))
                .isEqualTo("Give at least one task, or a number of recorded tasks.");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/synthesis");
    }
}
