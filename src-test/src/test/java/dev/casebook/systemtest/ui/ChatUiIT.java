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

/** The chat page: conversations kept in the browser, the composer, the layout at phone width. */
class ChatUiIT {
    @RegisterExtension
    static final UiSession ui = UiSession.sharedServer();
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
        browser.select("select[name=memoryMode]", "off");
        String first = browser.driver().getCurrentUrl();

        browser.click(".new-conv");
        browser.await(d -> !d.getCurrentUrl().equals(first));
        browser.await(d -> d.findElements(By.cssSelector(".conv-list .conv")).size() == 2);
        assertThat(browser.selected("select[name=memoryMode]"))
                .as("a new conversation starts with memory read + write").isEqualTo("read-write");

        browser.driver().navigate().refresh();
        browser.open(first);
        browser.visible("#chat-input");
        assertThat(browser.selected("select[name=memoryMode]")).isEqualTo("off");
        assertThat(browser.localStorage("casebook.conversations")).contains("\"memoryMode\":\"off\"");
    }

    @Test
    void a_question_with_an_attachment_runs_as_a_task_whose_end_is_explained_and_takes_feedback() throws Exception {
        Path notes = Files.writeString(Files.createTempFile("notes-", ".txt"), "meeting at noon");
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        browser.attach("#chat-file", notes);
        browser.withText(".chips", notes.getFileName().toString());
        browser.await(d -> !d.findElement(By.cssSelector(".chips")).getText().contains("uploading"));
        browser.type("#chat-input", "When is the meeting?", Keys.ENTER);

        String taskId = browser.await(d -> d.findElement(By.cssSelector(".turn")).getDomAttribute("data-task-id"));
        assertThat(browser.text(".turn .bubble.user")).isEqualTo("When is the meeting?");
        browser.withText(".turn .task-status .badge", "failed");
        String why = browser.text(".turn .note.stopped");
        assertThat(why).matches("(Failed|Stopped): \\S+.*");
        assertThat(browser.all(".chips li")).as("attachments are cleared after sending").isEmpty();
        browser.screenshot("chat-task-ended");

        JsonNode task = json(server.get("/api/tasks/" + taskId).body());
        assertThat(task.path("text").asText()).isEqualTo("When is the meeting?");
        assertThat(task.path("attachments")).hasSize(1);
        assertThat(why).contains(task.path("reason").asText());

        String correctForm = browser.await(
                d -> d.findElement(By.cssSelector(".turn form.correct")).isDisplayed() ? "shown" : "hidden");
        assertThat(correctForm).as("the correct-answer form opens on request only").isEqualTo("hidden");
        browser.click(".turn .thumb.down");
        browser.withText(".turn .feedback", "thumbs down recorded");
        assertThat(json(server.get("/api/tasks/" + taskId).body()).path("reward").asDouble()).isZero();

        browser.driver().navigate().refresh();
        browser.withText(".turn .task-status .badge", "failed");
        assertThat(browser.text(".turn .bubble.user")).as("the conversation replays from the server")
                .isEqualTo("When is the meeting?");
    }

    private static JsonNode json(String body) throws Exception {
        return new ObjectMapper().readTree(body);
    }

    @Test
    void an_empty_message_is_refused_with_a_reason() {
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        browser.click(".composer .send");

        assertThat(browser.text(".composer .error")).isEqualTo("Type a question first.");
    }

    @Test
    void at_phone_width_the_chat_fits_the_screen() {
        browser.size(Browser.PHONE);
        browser.open(server.baseUrl() + "/#/chat");
        browser.visible("#chat-input");

        browser.screenshot("chat-phone-empty");

        assertThat(browser.overflowsHorizontally()).as("%s", browser.widths()).isFalse();
        browser.visible(".composer .send");
        browser.visible(".new-conv");
    }
}
