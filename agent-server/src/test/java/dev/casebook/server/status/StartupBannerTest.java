package dev.casebook.server.status;

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
    void lists_every_roles_model_inherited_ones_marked(CapturedOutput output) {
        var planner = new ModelSettings.Role("openai", "http://vllm.local:8000/v1", null, "qwen", null, null, null);
        var executor = new ModelSettings.Role("ollama", null, null, "llama3.2", null, null, null);
        var env = new MockEnvironment().withProperty("casebook.models.executor.provider", "ollama")
                .withProperty("casebook.models.executor.model", "llama3.2");

        banner(new ModelSettings(planner, executor, null, null, null, null), true, env).ready();

        assertThat(output).contains("planner    qwen at http://vllm.local:8000/v1 (openai)\n",
                "executor   llama3.2 at http://localhost:11434/v1 (ollama)\n",
                "judge      qwen at http://vllm.local:8000/v1 (openai), inherited from the planner\n",
                "experience qwen at http://vllm.local:8000/v1 (openai), inherited from the planner");
    }

    @Test
    void ends_with_the_url_to_open(CapturedOutput output) {
        var env = new MockEnvironment().withProperty("server.address", "127.0.0.1")
                .withProperty("local.server.port", "8123");

        banner(new ModelSettings(null, null, null, null, null, null), false, env).ready();

        assertThat(output.getOut().strip()).endsWith("Casebook is ready: open http://127.0.0.1:8123/");
    }

    @Test
    void a_wildcard_address_is_opened_through_loopback() {
        var env = new MockEnvironment().withProperty("server.address", "0.0.0.0")
                .withProperty("server.port", "9000").withProperty("server.servlet.context-path", "/casebook");

        assertThat(banner(new ModelSettings(null, null, null, null, null, null), false, env).url())
                .isEqualTo("http://127.0.0.1:9000/casebook/");
    }

    @Test
    void says_how_to_configure_an_llm_when_there_is_none(CapturedOutput output) {
        banner(new ModelSettings(null, null, null, null, null, null), false, new MockEnvironment()).ready();

        assertThat(output).contains("No LLM configured: tasks will fail with 'no_model_configured'")
                .contains("casebook.models.planner.base-url", "planner    not configured",
                        "experience not configured");
    }

    private static StartupBanner banner(ModelSettings models, boolean withAgent, MockEnvironment env) {
        var beans = new StaticListableBeanFactory(withAgent ? Map.of("agent", AGENT) : Map.of());
        return new StartupBanner(env, beans.getBeanProvider(Agent.class), models);
    }
}
