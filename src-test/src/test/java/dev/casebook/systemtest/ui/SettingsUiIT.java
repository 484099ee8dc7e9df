package dev.casebook.systemtest.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.systemtest.support.Browser;
import dev.casebook.systemtest.support.ServerProcess;
import dev.casebook.systemtest.support.UiSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * The settings page: the API key this browser sends, kept in localStorage and never shown in full; the status; what
 * to paste into an OpenAI client.
 */
class SettingsUiIT {
    private static final String KEY = "cbk_live_0123456789abcdefSECRET";
    @RegisterExtension
    static final UiSession ui = UiSession.sharedServer();
    private final ServerProcess server = ui.server();
    private final Browser browser = ui.browser();

    @Test
    void the_api_key_is_kept_in_the_browser_and_shown_masked() {
        browser.open(server.baseUrl() + "/#/settings");
        browser.script("localStorage.clear();");
        browser.driver().navigate().refresh();

        browser.type("input[name=apiKey]", KEY);
        browser.click(".settings form button[type=submit]");

        String shown = browser.text(".masked-key");
        assertThat(shown).startsWith("cbk_").endsWith("CRET").contains("•");
        assertThat(browser.text("body")).doesNotContain(KEY);
        assertThat(browser.localStorage("casebook.apiKey")).isEqualTo(KEY);
        String typed = browser.act(By.cssSelector("input[name=apiKey]"), input -> input.getDomProperty("value"));
        assertThat(typed).as("the field is emptied once the key is kept").isEmpty();
        browser.screenshot("settings");

        browser.clickButton("Forget the key");
        browser.withText(".key-current", "No key");
        assertThat(browser.localStorage("casebook.apiKey")).isNull();
    }

    @Test
    void the_models_store_inference_devices_and_auth_mode_in_use_are_shown() {
        browser.open(server.baseUrl() + "/#/settings");

        String status = browser.text(".status-facts");
        String models = browser.text(".models-table");

        assertThat(status).contains("store · type").contains("auth\noff");
        assertThat(models).contains("planner", "executor", "judge", "experience", "not configured");
        assertThat(status).as("where the server's own models run").contains("inference · device\nauto")
                .contains("inference · models · embeddings · engine\nOnnxRuntime")
                .contains("inference · models · embeddings · device\ncpu()");
        browser.screenshot("settings-status");
    }

    @Test
    void the_base_url_and_model_names_for_an_openai_client_are_shown() {
        browser.open(server.baseUrl() + "/#/settings");

        assertThat(browser.text(".openai-client .openai-base-url")).isEqualTo(server.baseUrl() + "/v1");
        browser.withText(".openai-client .openai-models", "casebook-embeddings");
        assertThat(browser.texts(".openai-client .model-name"))
                .as("the models of GET /v1/models").containsExactly("casebook", "casebook-similarity",
                        "casebook-embeddings");
        browser.screenshot("settings-openai-client");
    }

    @Test
    void health_is_shown_from_the_server() {
        browser.open(server.baseUrl() + "/#/settings");

        assertThat(browser.withText(".settings", "Overall")).contains("UP");
        assertThat(browser.withText("#health", "server up")).isEqualTo("server up");
    }
}
