package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The chat page: conversations kept in the browser, the composer, the layout at phone width. */
class ChatUiIT {
    @RegisterExtension
    static final UiSession ui = UiSession.server("ui-chat");
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    @BeforeEach
    void fresh_browser_state() {
        browser.open(server.baseUrl() + "/");
        browser.script("localStorage.clear();");
        browser.size(Browser.LAPTOP);
    }

    @Test
    void conversations_and_their_memory_mode_are_kept_in_this_browser() {
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");
        new Select(browser.visible("select[name=memoryMode]")).selectByValue("off");
        String first = browser.driver().getCurrentUrl();

        browser.driver().findElement(By.cssSelector(".new-conv")).click();
        browser.await(d -> !d.getCurrentUrl().equals(first));
        browser.await(d -> d.findElements(By.cssSelector(".conv-list .conv")).size() == 2);
        assertThat(new Select(browser.visible("select[name=memoryMode]")).getFirstSelectedOption().getDomAttribute("value"))
                .as("a new conversation starts with memory read + write").isEqualTo("read-write");

        browser.driver().navigate().refresh();
        browser.open(first);
        browser.visible("#chat-input");
        assertThat(new Select(browser.visible("select[name=memoryMode]")).getFirstSelectedOption().getDomAttribute("value"))
                .isEqualTo("off");
        assertThat(browser.localStorage("casebook.conversations")).contains("\"memoryMode\":\"off\"");
    }

    @Test
    void a_question_with_an_attachment_runs_as_a_task_whose_end_is_explained_and_takes_feedback() throws Exception {
        Path notes = Files.writeString(Files.createTempFile("notes-", ".txt"), "meeting at noon");
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        browser.driver().findElement(By.id("chat-file")).sendKeys(notes.toString());
        browser.withText(".chips", notes.getFileName().toString());
        browser.await(d -> !d.findElement(By.cssSelector(".chips")).getText().contains("uploading"));
        browser.visible("#chat-input").sendKeys("When is the meeting?", Keys.ENTER);

        WebElement turn = browser.visible(".turn");
        String taskId = turn.getDomAttribute("data-task-id");
        assertThat(turn.findElement(By.cssSelector(".bubble.user")).getText()).isEqualTo("When is the meeting?");
        browser.withText(".turn .task-status .badge", "failed");
        WebElement why = browser.visible(".turn .note.stopped");
        assertThat(why.getText()).matches("(Failed|Stopped): \\S+.*");
        assertThat(browser.all(".chips li")).as("attachments are cleared after sending").isEmpty();
        browser.screenshot("chat-task-ended");

        JsonNode task = json(server.get("/api/tasks/" + taskId).body());
        assertThat(task.path("text").asText()).isEqualTo("When is the meeting?");
        assertThat(task.path("attachments")).hasSize(1);
        assertThat(why.getText()).contains(task.path("reason").asText());

        assertThat(browser.driver().findElement(By.cssSelector(".turn form.correct")).isDisplayed())
                .as("the correct-answer form opens on request only").isFalse();
        browser.visible(".turn .thumb.down").click();
        browser.withText(".turn .feedback", "thumbs down recorded");
        assertThat(json(server.get("/api/tasks/" + taskId).body()).path("reward").asDouble()).isZero();

        browser.driver().navigate().refresh();
        browser.withText(".turn .task-status .badge", "failed");
        assertThat(browser.visible(".turn .bubble.user").getText()).as("the conversation replays from the server")
                .isEqualTo("When is the meeting?");
    }

    private static JsonNode json(String body) throws Exception {
        return new ObjectMapper().readTree(body);
    }

    @Test
    void an_empty_message_is_refused_with_a_reason() {
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        browser.driver().findElement(By.cssSelector(".composer .send")).click();

        assertThat(browser.visible(".composer .error").getText()).isEqualTo("Type a question first.");
    }

    @Test
    void at_phone_width_the_chat_fits_the_screen() {
        browser.size(Browser.PHONE);
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        browser.screenshot("chat-phone-empty");

        assertThat(browser.overflowsHorizontally()).as("%s", browser.widths()).isFalse();
        assertThat(browser.visible(".composer .send").isDisplayed()).isTrue();
        assertThat(browser.visible(".new-conv").isDisplayed()).isTrue();
    }
}
