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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Memory page on the server's real case memory (Lucene, in-process embeddings): a Memento case bank imported from
 * the page, found by similarity, relabelled and deleted.
 */
class MemoryUiIT {
    private static final String QUESTION = "What video game, created by Notch, is the best-selling PC game of all-time?";
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-memory");
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    @Test
    void a_memento_bank_imported_from_the_page_can_be_searched_relabelled_and_pruned() throws Exception {
        Path bank = SharedData.file("memento/dummy_memo.jsonl");
        long lines = Files.readAllLines(bank).stream().filter(l -> !l.isBlank()).count();
        browser.size(Browser.LAPTOP);
        browser.open(server.baseUrl() + "/#/memory");
        browser.visible(".page.memory");

        browser.driver().findElement(By.cssSelector(".transfer input[name=import-file]")).sendKeys(bank.toString());
        browser.withText(".import-report", "Import done: " + lines + " imported");
        browser.withText(".stats .total", String.valueOf(lines));
        browser.await(d -> d.findElements(By.cssSelector(".cases-table tbody tr")).size() == lines);
        browser.screenshot("memory-imported");

        WebElement search = browser.visible("form.similar input[name=similar]");
        search.sendKeys("best selling computer game by Notch");
        new Select(browser.visible("form.similar select[name=mode]")).selectByValue("vector");
        browser.await(d -> d.getCurrentUrl().contains("mode=vector"));
        WebElement first = browser.withText(".cases-table tbody tr", "Notch");
        assertThat(first.getText()).as("the most similar case comes first").contains(QUESTION);

        first.findElement(By.cssSelector("a")).click();
        assertThat(browser.visible(".page.case .case-task").getText()).isEqualTo(QUESTION);
        assertThat(browser.visible(".page.case .page-head .badge").getText()).as("reward 0 in the bank").isEqualTo("negative");
        new Select(browser.visible(".case-actions select[name=label]")).selectByValue("positive");
        browser.driver().findElement(By.xpath("//button[text()='Save label']")).click();
        browser.withText(".case-actions", "Saved: now positive.");
        String id = browser.driver().getCurrentUrl().replaceAll(".*#/memory/", "");
        assertThat(server.get("/api/cases/" + id).body()).contains("\"label\":\"positive\"");

        browser.script("window.confirm = () => true;");
        browser.driver().findElement(By.xpath("//button[text()='Delete case']")).click();
        browser.await(d -> d.getCurrentUrl().endsWith("#/memory"));
        assertThat(server.get("/api/cases/" + id).statusCode()).isEqualTo(404);
        browser.withText(".stats .total", String.valueOf(lines - 1));
        browser.screenshot("memory-after-delete");
    }
}
