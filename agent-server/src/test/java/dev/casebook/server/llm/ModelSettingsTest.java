package dev.casebook.server.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelSettingsTest {

    @Test
    void executor_and_judge_inherit_unset_keys_from_the_planner() {
        var planner = new ModelSettings.Role("openai", "http://llm/v1", "k", "big", Duration.ofSeconds(9), 2, null);
        var executor = new ModelSettings.Role(null, null, null, "small", null, null, null);

        ModelSettings settings = new ModelSettings(planner, executor, null, null, null, null);

        assertThat(settings.executor().model()).isEqualTo("small");
        assertThat(settings.executor().baseUrl()).isEqualTo("http://llm/v1");
        assertThat(settings.executor().timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(settings.judge().model()).isEqualTo("big");
        assertThat(settings.judge().configured()).isTrue();
    }

    @Test
    void the_experience_model_inherits_unset_keys_from_the_planner() {
        var planner = new ModelSettings.Role("openai", "http://llm/v1", "k", "big", Duration.ofSeconds(9), 2, null);
        var experience = new ModelSettings.Role(null, null, null, "world-model", null, 5, null);

        ModelSettings settings = new ModelSettings(planner, null, null, experience, null, null);

        assertThat(settings.role(ModelRole.EXPERIENCE)).isSameAs(settings.experience());
        assertThat(settings.experience().model()).isEqualTo("world-model");
        assertThat(settings.experience().maxRetries()).isEqualTo(5);
        assertThat(settings.experience().baseUrl()).isEqualTo("http://llm/v1");
        assertThat(settings.experience().timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(new ModelSettings(planner, null, null, null, null, null).experience().model()).isEqualTo("big");
    }

    @Test
    void a_role_of_another_provider_does_not_inherit_the_planners_endpoint() {
        var planner = new ModelSettings.Role("openai", "http://vllm/v1", "secret", "qwen", null, null, null);
        var executor = new ModelSettings.Role("ollama", null, null, "llama3.2", null, null, null);

        ModelSettings settings = new ModelSettings(planner, executor, null, null, null, null);

        assertThat(settings.executor().effectiveBaseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(settings.executor().apiKey()).isNull();
    }

    @Test
    void a_role_without_base_url_or_model_is_not_configured() {
        assertThat(new ModelSettings(null, null, null, null, null, null).planner().configured()).isFalse();
        assertThat(new ModelSettings.Role("openai", "http://llm/v1", null, null, null, null, null).configured())
                .isFalse();
    }

    @Test
    void rejects_an_unknown_provider() {
        assertThatThrownBy(() -> new ModelSettings.Role("gemini", null, null, null, null, null, null))
                .hasMessage("casebook.models.*.provider must be 'openai' or 'ollama', was 'gemini'");
    }

    @Test
    void backoff_doubles_up_to_its_cap() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350));
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(350));
    }
}
