package dev.casebook.systemtest.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The browser harness: Debian's Chromium, console errors collected, screenshots saved. */
class BrowserIT {
    private static ServerProcess server;
    private static Browser browser;

    @BeforeAll
    static void start() {
        server = ServerProcess.builder("browser-harness").start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void opens_the_served_page_and_saves_a_screenshot() throws Exception {
        browser.open(server.baseUrl() + "/");
        browser.visible("body");

        Path shot = browser.screenshot("harness-index");

        assertThat(browser.driver().getTitle()).startsWith("Casebook");
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(1000);
        assertThat(browser.consoleErrors()).isEmpty();
    }

    @Test
    void collects_console_errors_and_failed_loads() {
        browser.open(server.baseUrl() + "/");
        browser.script("console.error('deliberate harness error');");
        browser.open(server.baseUrl() + "/no-such-file.js");

        assertThat(browser.consoleErrors())
                .anyMatch(message -> message.contains("deliberate harness error"))
                .anyMatch(message -> message.contains("404"));
        assertThat(browser.consoleErrors("deliberate harness error", "404")).isEmpty();
    }
}
