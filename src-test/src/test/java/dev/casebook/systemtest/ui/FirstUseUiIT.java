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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * What a new user trips on, tried in the browser against the built server with the scripted LLM server as the only
 * fake: the trace in round order with each selected case's source, and whether a real outcome had confirmed each
 * synthetic or sandbox case shown, the Memory page's text filter apart from
 * similarity search, the dataset's name in the runs list, a dream job's curriculum rounds and a sandbox job's
 * difficulty rounds and isolation. Each step waits on what the page shows (state markers), never on time.
 */
class FirstUseUiIT {
    private static final String QUESTION = "What is 17*23?";
    private static final String ORRERY = "Which orrery did the clockmaker of Lyon build?";
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScriptedLlmServer llm = scripted(ScriptedLlmServer.start());
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-first-use", server -> server
            .property("casebook.models.planner.base-url", llm.baseUrl())
            .property("casebook.models.planner.model", "scripted-planner"));
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /**
     * The chat: plan a calculator subtask, call the calculator, report, then the planner answers in round 2. Dreams:
     * the agent answers 42; the experience model rates the first rollout 1 and every later one 0, so the seed task's
     * success rate is 0.5 and the curriculum varies it. Sandbox tasks: the sum task of SynthesisUiIT.
     */
    private static ScriptedLlmServer scripted(ScriptedLlmServer llm) {
        llm.when(Match.interaction("plan").and(Match.anyMessageContains("17*23")))
                .reply(Reply.text("{\"subtasks\": [\"Compute 17*23 with the calculator\"]}"));
        llm.when(Match.interaction("execute").and(Match.anyMessageContains("17*23"))
                        .and(Match.afterToolResult().negate()))
                .reply(Reply.toolCall("calculator", "{\"expression\": \"17*23\"}"));
        llm.when(Match.interaction("execute").and(Match.anyMessageContains("17*23")).and(Match.afterToolResult()))
                .reply(Reply.dynamic(r -> Reply.text("17*23 = " + r.toolResults().getLast())));
        llm.when(Match.interaction("replan").and(Match.anyMessageContains("17*23")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 391\"}"));

        llm.when(Match.interaction("plan").and(Match.anyMessageContains(ORRERY))).reply(Reply.text("""
                <think>The cases from memory agree.</think>
                Here is my answer:
                ```json
                {"answer": "FINAL ANSWER: the Grand Orrery"}
                ```"""));

        llm.when(Match.interaction("plan").and(Match.anyMessageContains("gadget")))
                .reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}"));
        llm.when(Match.interaction("experience-outcome")).reply(
                Reply.text("{\"reasoning\": \"the catalogue agrees\", \"reward\": 1}"),
                Reply.text("{\"reasoning\": \"the catalogue disagrees\", \"reward\": 0}"));
        llm.when(Match.interaction("curriculum"))
                .reply(Reply.text("{\"variations\": [\"Blue gadget: what does the blue gadget cost?\"]}"));

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
        llm.close();
    }

    /** Types the text into the input and submits it, in one retried step (the page may re-render under it). */
    private void typeAndEnter(String css, String text) {
        browser.act(By.cssSelector(css), input -> {
            input.clear();
            input.sendKeys(text, Keys.ENTER);
            return true;
        });
    }

    private JsonNode post(String path, String body) throws Exception {
        var response = server.postJson(path, body);
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    @Test
    void the_trace_shows_steps_by_round_in_the_order_they_happened_and_each_selected_cases_source() throws Exception {
        post("/api/cases", "{\"task\": \"What is 17*23 exactly?\", \"answer\": \"391\", \"reward\": 1, "
                + "\"source\": \"real\"}");
        post("/api/cases", "{\"task\": \"What is 17*23 in a dream?\", \"answer\": \"391\", \"reward\": 1, "
                + "\"source\": \"synthetic\"}");
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/chat");
        browser.script("localStorage.clear();");
        browser.open(server.baseUrl() + "/#/chat");
        typeAndEnter("#chat-input", QUESTION);

        browser.timeout(Duration.ofSeconds(60)).withText(".turn .task-status .badge", "answered");
        @SuppressWarnings("unchecked")
        List<String> rounds = (List<String>) browser.script("""
                return [...document.querySelectorAll('.turn .round')].map(r => r.dataset.round + ': '
                    + [...r.children].map(c => c.classList[0]).join(' '));""");
        assertThat(rounds).as("round 1's plan, tool call and subtask, then round 2's answering plan")
                .containsExactly("1: plan tool-call subtask-done", "2: plan");
        assertThat(browser.text(".turn .round[data-round='2'] .plan h3")).isEqualTo("The planner answers (round 2)");
        assertThat(browser.text(".turn .round[data-round='1'] .tool-call .tool-name")).isEqualTo("calculator");
        @SuppressWarnings("unchecked")
        List<String> sources = (List<String>) browser.script(
                "return [...document.querySelectorAll('.turn .case-pick .badge.source')].map(b => b.textContent);");
        assertThat(sources).as("a badge on every pick").hasSize(browser.all(".turn .case-pick").size())
                .contains("real", "synthetic · unconfirmed");
        browser.screenshot("first-use-trace-by-round");
    }

    @Test
    void the_trace_says_whether_a_real_outcome_had_confirmed_each_synthetic_or_sandbox_case_shown() throws Exception {
        var imported = server.postJson("/api/cases/import?format=casebook", String.join("\n",
                "{\"task\": \"" + ORRERY + " (asked first)\", \"reward\": 1, \"source\": \"real\"}",
                "{\"task\": \"" + ORRERY + " (dreamed)\", \"reward\": 1, \"source\": \"synthetic\"}",
                "{\"task\": \"" + ORRERY + " (dreamed, then confirmed)\", \"reward\": 1, \"source\": \"synthetic\", "
                        + "\"confirmed\": true}",
                "{\"task\": \"" + ORRERY + " (in the sandbox)\", \"reward\": 1, \"source\": \"sandbox\"}"));
        assertThat(imported.body()).as(imported.body()).contains("\"imported\":4");
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/chat");
        browser.script("localStorage.clear();");
        browser.open(server.baseUrl() + "/#/chat");
        typeAndEnter("#chat-input", ORRERY);

        browser.timeout(Duration.ofSeconds(60)).withText(".turn .task-status .badge", "answered");
        assertThat(browser.all(".turn .case-pick")).as("the four orrery cases are the most similar").hasSize(4);
        assertThat(browser.texts(".turn .case-pick .badge.source")).as("the same badges as the Memory page")
                .containsExactlyInAnyOrder("real", "synthetic · unconfirmed", "synthetic · confirmed",
                        "sandbox · unconfirmed");
        assertThat(browser.all(".turn .case-pick .badge.trust")).as("none on the real case").hasSize(3);
        assertThat(browser.attribute(".turn .case-pick .trust-unconfirmed.source-synthetic", "aria-label"))
                .isEqualTo("Simulated (synthetic) case, unconfirmed: practice no real task has confirmed yet");
        assertThat(browser.attribute(".turn .case-pick .trust-confirmed", "aria-label"))
                .isEqualTo("Simulated (synthetic) case, confirmed: a real task shown it succeeded");
        assertThat(browser.attribute(".turn .case-pick .source-sandbox", "aria-label"))
                .isEqualTo("Sandbox case, unconfirmed: practice no real task has confirmed yet");
        browser.screenshot("first-use-trace-trust-badges");
    }

    @Test
    void the_text_filter_lists_only_cases_containing_the_words_and_similarity_is_its_own_search() throws Exception {
        post("/api/cases", "{\"task\": \"Which river flows through the old mill town?\", \"reward\": 1}");
        post("/api/cases", "{\"task\": \"How tall is the lighthouse on the cape?\", \"reward\": 0}");
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/memory");

        typeAndEnter("form.toolbar input[name=q]", "xylophone quasar");
        browser.visible(".results[data-loaded='filtered'][data-query='xylophone quasar'] .empty");
        assertThat(browser.text(".results .empty")).isEqualTo("No case matches.");
        assertThat(browser.all(".cases-table tbody tr")).isEmpty();

        typeAndEnter("form.toolbar input[name=q]", "LIGHTHOUSE cape");
        browser.visible(".results[data-loaded='filtered'][data-query='LIGHTHOUSE cape'] .cases-table");
        List<String> rows = browser.texts(".cases-table tbody tr");
        assertThat(rows).singleElement().asString().contains("How tall is the lighthouse on the cape?");

        typeAndEnter("form.similar input[name=similar]", "xylophone quasar");
        browser.visible(".results[data-loaded='similar'][data-query='xylophone quasar'] .cases-table");
        assertThat(browser.all(".cases-table tbody tr")).as("similarity ranks every case, matching words or not")
                .hasSizeGreaterThanOrEqualTo(2);
        browser.screenshot("first-use-memory-similar");
    }

    @Test
    void the_runs_list_names_the_dataset_by_its_folder_when_the_file_is_named_after_its_split() throws Exception {
        Path folder = Files.createDirectories(Files.createTempDirectory("first-use-").resolve("planets"));
        Path dataset = folder.resolve("test.jsonl");
        Files.write(dataset, List.of("{\"id\": \"q1\", \"question\": \"What is 17*23?\", \"answers\": [\"391\"]}"));
        JsonNode run = post("/api/evaluations/runs", "{\"dataset\": " + JSON.writeValueAsString(dataset.toString())
                + ", \"scorers\": [\"squad\"]}");
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/evaluations");

        String row = ".runs-table tr[data-run-id='" + run.get("id").asText() + "']";
        assertThat(browser.withText(row, "planets/test")).contains("planets/test");
    }

    @Test
    void a_dream_jobs_page_shows_its_curriculum_rounds_with_the_chosen_tasks_and_variations() throws Exception {
        JsonNode job = post("/api/synthesis/dreams", "{\"tasks\": [\"Mixed gadget: what does the gadget cost?\"], "
                + "\"rolloutsPerTask\": 2, \"concurrency\": 1, \"memoryMode\": \"off\", "
                + "\"curriculum\": {\"rounds\": 1, \"tasks\": 1, \"variations\": 1}}");
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/synthesis/dreams/" + job.get("id").asText());

        browser.timeout(Duration.ofSeconds(90)).withText(".job-progress .badge", "completed");
        String round = browser.text(".curriculum-rounds tr.curriculum-round[data-round='1']");
        assertThat(round).contains("proposed", "#0 Mixed gadget: what does the gadget cost?",
                "Blue gadget: what does the blue gadget cost? (of #0)");
        browser.screenshot("first-use-dream-curriculum");
    }

    @Test
    void a_sandbox_jobs_page_shows_its_difficulty_rounds_and_the_sandboxs_isolation() throws Exception {
        JsonNode job = post("/api/synthesis/sandbox-tasks", "{\"domain\": \"file arithmetic\", \"tasks\": 1, "
                + "\"rolloutsPerTask\": 1, \"memoryMode\": \"off\"}");
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/synthesis/sandbox-tasks/" + job.get("id").asText());

        browser.timeout(Duration.ofSeconds(120)).withText(".job-progress .badge", "completed");
        browser.visible(".sandbox-rollouts tr.rollout.correct");
        JsonNode view = JSON.readTree(server.get("/api/synthesis/sandbox-tasks/" + job.get("id").asText()).body());
        assertThat(browser.text(".job-results .isolation")).startsWith("Sandbox isolation: ")
                .contains(view.get("isolation").asText().toLowerCase().replace('_', ' ')).doesNotContain("unknown");
        assertThat(browser.text(".difficulty-rounds tr.difficulty-round")).contains("2", "1 of 1");
        assertThat(browser.texts(".difficulty-rounds tr.difficulty-round td"))
                .endsWith("2", "1 of 1", "1 of 1");
        browser.screenshot("first-use-sandbox-rounds");
    }
}
