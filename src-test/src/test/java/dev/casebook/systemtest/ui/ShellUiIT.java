package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/** The UI's shell, served by the real server: routing, keyboard navigation, sanitised Markdown, errors in words. */
class ShellUiIT {
    @RegisterExtension
    static final UiSession ui = UiSession.sharedServer();
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    @Test
    void serves_the_app_and_its_vendored_libraries_from_the_server() {
        for (String path : List.of("/", "/css/app.css", "/js/app.js", "/vendor/marked.esm.js", "/vendor/purify.es.js")) {
            assertThat(server.get(path).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(server.get("/js/app.js").headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).contains("javascript"));
    }

    @Test
    void main_navigation_is_reachable_by_keyboard_and_marks_the_current_page() {
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        WebElement memoryLink = null;
        for (int i = 0; i < 12 && memoryLink == null; i++) {
            browser.driver().switchTo().activeElement().sendKeys(Keys.TAB);
            WebElement focused = browser.driver().switchTo().activeElement();
            if ("memory".equals(focused.getDomAttribute("data-page"))) {
                memoryLink = focused;
            }
        }
        assertThat(memoryLink).as("Tab reaches the Memory link").isNotNull();
        memoryLink.sendKeys(Keys.ENTER);

        browser.await(d -> d.getCurrentUrl().endsWith("#/memory"));
        browser.await(d -> "Memory".equals(
                d.findElement(By.cssSelector(".mainnav a[aria-current=page]")).getText()));
        assertThat(browser.driver().getTitle()).isEqualTo("Casebook · Memory");
    }

    @Test
    void an_unknown_route_says_so_and_links_back() {
        browser.open(server.baseUrl() + "/#/nowhere");

        assertThat(browser.withText("main h1", "Not found")).isEqualTo("Not found");
        assertThat(browser.text("main")).contains("nowhere");
        browser.click(By.linkText("Go to the chat"));
        browser.visible("#chat-input");
    }

    @Test
    void markdown_answers_are_rendered_and_sanitised() {
        ui.expectConsoleErrors("/x - Failed to load resource"); // the sanitised <img src=x> is still fetched
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        Object html = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                import('./js/markdown.js')
                  .then(m => done(m.markdown('**bold** [x](https://example.org) <img src=x onerror="window.hit=1">'
                      + '<script>window.hit=2</script>').innerHTML))
                  .catch(e => done('failed: ' + e));""");

        assertThat(String.valueOf(html))
                .contains("<strong>bold</strong>")
                .contains("rel=\"noopener noreferrer\"")
                .doesNotContain("onerror")
                .doesNotContain("<script");
        assertThat(browser.script("return window.hit === undefined;")).isEqualTo(true);
    }

    @Test
    void event_streams_are_split_into_named_json_events_until_end() {
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        Object events = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                const stream = 'event: planned\\ndata: {"seq":1,"subtasks":["a"]}\\n\\n'
                    + ': a comment\\r\\n\\r\\n'
                    + 'event: tool_called\\ndata: {"seq":2,\\ndata: "tool":"calculator"}\\n\\n'
                    + 'event: end\\ndata: {"status":"answered"}\\n\\n';
                import('./js/api.js').then(async api => {
                  const seen = [];
                  await api.follow('data:text/event-stream,' + encodeURIComponent(stream),
                      (name, data) => seen.push(name + ' ' + JSON.stringify(data)));
                  done(seen.join('|'));
                }).catch(e => done('failed: ' + e));""");

        assertThat(events).isEqualTo("planned {\"seq\":1,\"subtasks\":[\"a\"]}"
                + "|tool_called {\"seq\":2,\"tool\":\"calculator\"}"
                + "|end {\"status\":\"answered\"}");
    }

    @Test
    void line_chart_draws_a_line_per_series_and_says_when_there_is_nothing() {
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        Object result = browser.asyncScript("""
                const done = arguments[arguments.length - 1];
                import('./js/chart.js').then(c => {
                  const two = c.lineChart([
                      {name: 'running', points: [{x: 1, y: 0}, {x: 2, y: .5}, {x: 3, y: .67}]},
                      {name: 'windowed', points: [{x: 1, y: 0}, {x: 2, y: 1}, {x: 3, y: 1}]}], {yMax: 1});
                  const none = c.lineChart([{name: 'running', points: []}], {empty: 'No finished items yet.'});
                  done([two.querySelectorAll('path.series').length, two.querySelectorAll('circle').length,
                        two.querySelector('.legend').textContent, none.textContent].join('|'));
                }).catch(e => done('failed: ' + e));""");

        assertThat(result).isEqualTo("2|6|runningwindowed|No finished items yet.");
    }

    @Test
    void an_api_error_is_shown_in_words_where_it_happened() {
        String missingTask = "00000000-0000-0000-0000-000000000000";
        browser.open(server.baseUrl() + "/#/settings");
        browser.script("""
                localStorage.setItem('casebook.conversations', JSON.stringify([{id: 'c1', title: 'Old',
                    memoryMode: 'read-write', tasks: [arguments[0]], createdAt: '2026-01-01T00:00:00Z'}]));""",
                missingTask);
        browser.open(server.baseUrl() + "/#/chat/c1");

        assertThat(browser.text(".turn .error")).startsWith("This task is gone: ").contains("404")
                .contains(missingTask);
        assertThat(browser.attribute(".turn .error", "role")).isEqualTo("alert");
        browser.screenshot("ui-error-in-words");
        ui.expectConsoleErrors("/api/tasks/" + missingTask);
        browser.script("localStorage.clear();");
    }

}
