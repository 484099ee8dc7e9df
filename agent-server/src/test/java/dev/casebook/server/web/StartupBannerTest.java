package dev.casebook.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.agent.Agent;
import dev.casebook.server.llm.ModelSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

@ExtendWith(OutputCaptureExtension.class)
class StartupBannerTest {
    private static final Agent AGENT = (spec, listener) -> {
        throw new UnsupportedOperationException();
    };

    @Test
    void says_which_llm_endpoint_each_role_uses(CapturedOutput output) {
        var planner = new ModelSettings.Role("openai", "http://vllm.local:8000/v1", null, "qwen", null, null, null);
        var executor = new ModelSettings.Role("ollama", null, null, "llama3.2", null, null, null);

        banner(new ModelSettings(planner, executor, null, null, null, null), true).ready();

        assertThat(output).contains("LLM: planner qwen at http://vllm.local:8000/v1 (openai), "
                + "executor llama3.2 at http://localhost:11434/v1 (ollama)");
    }

    @Test
    void says_how_to_configure_an_llm_when_there_is_none(CapturedOutput output) {
        banner(new ModelSettings(null, null, null, null, null, null), false).ready();

        assertThat(output).contains("No LLM configured: tasks will fail with 'no_model_configured'")
                .contains("casebook.models.planner.base-url");
    }

    private static StartupBanner banner(ModelSettings models, boolean withAgent) {
        var beans = new StaticListableBeanFactory(withAgent ? Map.of("agent", AGENT) : Map.of());
        return new StartupBanner(new MockEnvironment(), beans.getBeanProvider(Agent.class), models);
    }
}
