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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The executor step with the real LangChain4j client against the scripted LLM. */
class ExecuteStepTest {
    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    private final List<Step> steps = new ArrayList<>();

    @AfterEach
    void close() {
        llm.close();
    }

    /** A tool whose result is far too long for the model's context. */
    private static final Tool LONG = new Tool() {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name("dump").description("returns a lot").build();
        }

        @Override
        public ToolResult execute(ToolInvocation invocation) {
            return ToolResult.ok("x".repeat(10_000));
        }
    };

    @Test
    void truncates_an_oversized_tool_result_and_keeps_it_paired_with_its_call() throws Exception {
        llm.when(Match.afterToolResult().negate()).reply(Reply.toolCall("dump", "{}"));
        llm.when(Match.afterToolResult()).reply(Reply.text("the dump was long"));
        LlmClient executor = LlmClient.of(ModelRole.EXECUTOR, new ModelSettings.Role("openai", llm.baseUrl(), "k", "m",
                Duration.ofSeconds(5), 0, null));
        ExecuteStep step = new ExecuteStep(executor, new Toolbox(List.of(LONG)), 500, Duration.ofSeconds(5));
        Run run = new Run(TaskSpec.of("t1", "acme", "dump things").withMemoryMode(MemoryMode.OFF), steps::add);

        Finding finding = step.execute(run, 1, 1, "dump it", List.of());

        assertThat(finding.result()).isEqualTo("the dump was long");
        Step.ToolReturned returned = steps.stream().filter(Step.ToolReturned.class::isInstance)
                .map(Step.ToolReturned.class::cast).findFirst().orElseThrow();
        assertThat(returned.truncated()).isTrue();
        assertThat(returned.result()).startsWith("x".repeat(500) + "\n[truncated: the result had 10000 characters;"
                + " only the first 500 are shown]");
        LlmRequest second = llm.requests(Match.afterToolResult()).getFirst();
        var messages = second.messages();
        var call = messages.get(messages.size() - 2);
        var result = messages.getLast();
        assertThat(call.path("tool_calls").path(0).path("id").asText())
                .isEqualTo(result.path("tool_call_id").asText()).isEqualTo(returned.callId());
        assertThat(result.path("content").asText()).isEqualTo(returned.result());
        assertThat(run.tokens()).isPositive();
    }
}
