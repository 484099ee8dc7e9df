package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The Memory page on the server's real case memory (Lucene, in-process embeddings): a Memento case bank imported from
 * the page, found by similarity, relabelled and deleted; synthetic and sandbox cases marked unconfirmed, confirmed or
 * refuted, and a refuted case reinstated from its page.
 */
class MemoryUiIT {
    private static final String QUESTION = "What video game, created by Notch, is the best-selling PC game of all-time?";
    @RegisterExtension
    static final UiSession ui = UiSession.sharedServer();
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    @Test
    void a_memento_bank_imported_from_the_page_can_be_searched_relabelled_and_pruned() throws Exception {
        Path bank = SharedData.file("memento/dummy_memo.jsonl");
        long lines = Files.readAllLines(bank).stream().filter(l -> !l.isBlank()).count();
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/memory");
        browser.visible(".page.memory");
        // the server is shared: other classes may have left cases in it
        long before = new com.fasterxml.jackson.databind.ObjectMapper().readTree(server.get("/api/cases?size=1").body())
                .path("total").asLong();
        long total = before + lines;

        browser.attach(".transfer input[name=import-file]", bank);
        browser.withText(".import-report", "Import done: " + lines + " imported");
        browser.withText(".stats .total", String.valueOf(total));
        browser.await(d -> d.findElements(By.cssSelector(".cases-table tbody tr")).size() == total);
        browser.screenshot("memory-imported");

        browser.type("form.similar input[name=similar]", "best selling computer game by Notch");
        browser.select("form.similar select[name=mode]", "vector");
        browser.await(d -> d.getCurrentUrl().contains("mode=vector"));
        assertThat(browser.withText(".cases-table tbody tr", "Notch")).as("the most similar case comes first")
                .contains(QUESTION);

        browser.click(".cases-table tbody tr a");
        assertThat(browser.text(".page.case .case-task")).isEqualTo(QUESTION);
        assertThat(browser.text(".page.case .page-head .badge")).as("reward 0 in the bank").isEqualTo("negative");
        browser.select(".case-actions select[name=label]", "positive");
        browser.clickButton("Save label");
        browser.withText(".case-actions", "Saved: now positive.");
        String id = browser.driver().getCurrentUrl().replaceAll(".*#/memory/", "");
        assertThat(server.get("/api/cases/" + id).body()).contains("\"label\":\"positive\"");
        browser.driver().navigate().refresh(); // the history as it is after the relabelling
        browser.await(d -> d.findElements(By.cssSelector(".case-history table.history tbody tr")).size() == 2);
        assertThat(browser.text(".case-history table.history tbody tr:first-child"))
                .as("the import, then the person's relabelling").contains("import", "unrated");
        assertThat(browser.text(".case-history table.history tbody tr:last-child"))
                .contains("edit", "feedback");
        browser.screenshot("memory-case-history");

        browser.script("window.confirm = () => true;");
        browser.clickButton("Delete case");
        browser.await(d -> d.getCurrentUrl().endsWith("#/memory"));
        assertThat(server.get("/api/cases/" + id).statusCode()).isEqualTo(404);
        browser.withText(".stats .total", String.valueOf(total - 1));
        browser.screenshot("memory-after-delete");
    }

    @Test
    void synthetic_and_sandbox_cases_say_whether_a_real_outcome_confirmed_or_refuted_them() throws Exception {
        Path file = Files.createTempFile("orrery-cases", ".jsonl");
        Files.write(file, List.of(
                "{\"task\": \"Orrery one: real\", \"reward\": 1, \"source\": \"real\"}",
                "{\"task\": \"Orrery two: dreamed\", \"reward\": 1, \"source\": \"synthetic\"}",
                "{\"task\": \"Orrery three: dreamed, confirmed\", \"reward\": 1, \"source\": \"synthetic\","
                        + " \"confirmed\": true}",
                "{\"task\": \"Orrery four: dreamed, refuted\", \"reward\": 1, \"source\": \"synthetic\","
                        + " \"refuted\": true}",
                "{\"task\": \"Orrery five: sandbox\", \"reward\": 1, \"source\": \"sandbox\"}"));
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/memory");
        browser.select(".transfer select[name=format]", "casebook");
        browser.attach(".transfer input[name=import-file]", file);
        browser.withText(".import-report", "Import done: 5 imported");

        browser.open(server.baseUrl() + "/#/memory?q=orrery");
        browser.visible(".results[data-loaded='filtered'][data-query='orrery'] .cases-table");
        assertThat(browser.texts(".cases-table tbody tr td.source")).as("a badge on every non-real case")
                .containsExactlyInAnyOrder("real", "synthetic · unconfirmed", "synthetic · confirmed",
                        "synthetic · refuted", "sandbox · unconfirmed");
        assertThat(browser.all(".cases-table tbody tr td.source .badge.trust")).hasSize(4);
        assertThat(browser.attribute(".cases-table tbody tr .trust-refuted", "aria-label")).isEqualTo(
                "Simulated (synthetic) case, refuted: a real task shown it failed, so it is no longer shown to tasks");
        browser.script("document.querySelector('.cases-table').scrollIntoView();");
        browser.screenshot("memory-trust-badges");

        browser.click(By.linkText("Orrery two: dreamed"));
        browser.withText(".page.case .case-task", "Orrery two");
        assertThat(browser.text(".page.case .page-head .trust")).isEqualTo("synthetic · unconfirmed");
        assertThat(browser.attribute(".page.case .page-head .trust", "aria-label"))
                .isEqualTo("Simulated (synthetic) case, unconfirmed: practice no real task has confirmed yet");
        browser.driver().navigate().back();
        browser.click(By.linkText("Orrery three: dreamed, confirmed"));
        browser.withText(".page.case .case-task", "Orrery three");
        assertThat(browser.text(".page.case .page-head .trust")).isEqualTo("synthetic · confirmed");
        assertThat(browser.texts(".page.case .case-actions button")).as("only a refuted case can be reinstated")
                .doesNotContain("Reinstate");
        browser.driver().navigate().back();
        browser.click(By.linkText("Orrery four: dreamed, refuted"));
        browser.withText(".page.case .case-task", "Orrery four");
        assertThat(browser.text(".page.case .page-head .trust")).isEqualTo("synthetic · refuted");
        browser.clickButton("Reinstate");
        browser.withText(".case-actions",
                "Reinstated: shown to tasks again, until a rated real failure refutes it again.");
        assertThat(browser.text(".page.case .page-head .trust")).isEqualTo("synthetic · unconfirmed");
        String id = browser.driver().getCurrentUrl().replaceAll(".*#/memory/", "");
        assertThat(server.get("/api/cases/" + id).body()).contains("\"refuted\":false");
        browser.screenshot("memory-case-reinstated");
        browser.driver().navigate().back();
        browser.click(By.linkText("Orrery one: real"));
        browser.withText(".page.case .case-task", "Orrery one");
        assertThat(browser.all(".page.case .trust")).as("a real case is its own evidence").isEmpty();
    }
}
