package dev.casebook.server.agent;

import dev.casebook.memory.MemoryMode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.Toolbox;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A role's {@code context-window} sizes the executor's prompt before the call: older tool results go first. */
class ContextWindowTest {
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    private final List<Step> steps = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        llm.close();
    }

    private static final Tool DUMP = new Tool() {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("dump").description("returns a lot").build();
        }

        @Override
        public ToolResult execute(ToolInvocation invocation) {
            return ToolResult.ok("x".repeat(10_000));
        }
    };

    private Run run() {
        return new Run(TaskSpec.of("t-" + UUID.randomUUID(), "acme", "dump things")
                .withMemoryMode(MemoryMode.OFF), steps::add);
    }

    @Test
    void a_prompt_over_the_configured_window_loses_older_tool_results_before_the_call() throws Exception {
        llm.when(Match.hasTools().and(r -> r.toolResults().size() < 2)).reply(Reply.toolCall("dump", "{}"));
        llm.when(Match.hasTools().and(r -> r.toolResults().size() == 2)).reply(Reply.text("dumped twice"));
        LlmClient executor = LlmClient.of(ModelRole.EXECUTOR, new ModelSettings.Role("openai", llm.baseUrl(), "k",
                "small-" + UUID.randomUUID(), Duration.ofSeconds(5), 0, null, null, null, 100, null, 1000, null));
        ExecuteStep step = new ExecuteStep(executor, new Toolbox(List.of(DUMP)), 2000, Duration.ofSeconds(5));

        Finding finding = step.execute(run(), 1, 1, "dump it twice", List.of());

        assertThat(finding.result()).isEqualTo("dumped twice");
        LlmRequest last = llm.requests(r -> r.toolResults().size() == 2).getFirst();
        assertThat(last.toolResults().get(0)).startsWith("x".repeat(300) + "\n[shortened to fit the context window")
                .hasSizeLessThan(400);
        assertThat(last.toolResults().get(1)).startsWith("x".repeat(2000));
        assertThat(last.body().path("max_tokens").asInt()).isEqualTo(100);
        assertThat(steps).filteredOn(Step.PromptShrunk.class::isInstance).singleElement().satisfies(s -> {
            Step.PromptShrunk shrunk = (Step.PromptShrunk) s;
            assertThat(shrunk.cause()).isEqualTo("context_window_setting");
            assertThat(shrunk.how()).isEqualTo("older tool results shortened");
            assertThat(shrunk.tokensAfter()).isLessThanOrEqualTo(900).isLessThan(shrunk.tokensBefore());
        });
    }

    @Test
    void a_prompt_that_fits_is_sent_as_it_is() throws Exception {
        llm.when(Match.hasTools().and(Match.afterToolResult().negate())).reply(Reply.toolCall("dump", "{}"));
        llm.when(Match.afterToolResult()).reply(Reply.text("dumped"));
        LlmClient executor = LlmClient.of(ModelRole.EXECUTOR, new ModelSettings.Role("openai", llm.baseUrl(), "k",
                "big-" + UUID.randomUUID(), Duration.ofSeconds(5), 0, null, null, null, null, null, 128_000, null));

        new ExecuteStep(executor, new Toolbox(List.of(DUMP)), 2000, Duration.ofSeconds(5))
                .execute(run(), 1, 1, "dump it", List.of());

        assertThat(steps).noneMatch(Step.PromptShrunk.class::isInstance);
        assertThat(llm.requests(Match.afterToolResult()).getFirst().toolResults().getFirst())
                .startsWith("x".repeat(2000) + "\n[truncated:");
    }
}
