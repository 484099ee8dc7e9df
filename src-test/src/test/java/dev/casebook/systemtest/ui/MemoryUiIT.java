package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import dev.casebook.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The Memory page on the server's real case memory (Lucene, in-process embeddings): a Memento case bank imported from
 * the page, found by similarity, relabelled and deleted.
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
}
