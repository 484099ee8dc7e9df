package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Dimension;

/**
 * Every page at laptop and phone width: it renders its heading, nothing is wider than the screen, and a screenshot
 * of it is saved to {@code target/screenshots/page-NAME-WIDTH.png}. Console errors are asserted by the page tests.
 */
class LayoutUiIT {
    private static final String[][] PAGES = {
            {"chat", "#chat-input"}, {"memory", ".memory h1"}, {"evaluations", ".evaluations h1"},
            {"synthesis", ".synthesis h1"}, {"settings", ".settings h1"}};
    @RegisterExtension
    static final UiSession ui = UiSession.sharedServer();
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    @Test
    void every_page_fits_a_laptop_screen() {
        checkEveryPage(Browser.LAPTOP, "laptop");
    }

    @Test
    void every_page_fits_a_phone_screen() {
        checkEveryPage(Browser.PHONE, "phone");
    }

    private void checkEveryPage(Dimension size, String name) {
        browser.size(size);
        for (String[] page : PAGES) {
            browser.open(server.baseUrl() + "/#/" + page[0]);
            browser.visible(page[1]);
            browser.await(d -> d.findElements(org.openqa.selenium.By.cssSelector("main .spinner")).isEmpty());

            browser.screenshot("page-" + page[0] + "-" + name);

            assertThat(browser.overflowsHorizontally()).as("%s at %s: %s", page[0], name, browser.widths()).isFalse();
            assertThat(browser.attribute(".mainnav a[aria-current=page]", "data-page")).isEqualTo(page[0]);
        }
    }
}
