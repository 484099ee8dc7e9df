package dev.casebook.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ToolboxTest {
    static final ToolContext CONTEXT = new ToolContext("acme", "task-1", List.of(), Duration.ofSeconds(5));

    record LambdaTool(String toolName, Function<ToolInvocation, ToolResult> body) implements Tool {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name(toolName).description("test tool").build();
        }

        @Override
        public ToolResult execute(ToolInvocation invocation) {
            return body.apply(invocation);
        }
    }

    /** A tool only the tenant {@code acme} may use. */
    record AcmeOnlyTool(String toolName) implements Tool {
        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name(toolName).description("acme's tool").build();
        }

        @Override
        public boolean availableTo(String tenant) {
            return tenant.equals("acme");
        }

        @Override
        public ToolResult execute(ToolInvocation invocation) {
            return ToolResult.ok("acme");
        }
    }

    private static ToolInvocation invocation(String json) {
        return new ToolInvocation(json, CONTEXT);
    }

    @Test
    void a_tenant_sees_only_the_tools_it_may_use_and_a_hidden_one_is_an_unknown_name() {
        Toolbox toolbox = new Toolbox(List.of(new LambdaTool("calculator", i -> ToolResult.ok("y")),
                new AcmeOnlyTool("crm__lookup")));

        Toolbox globex = toolbox.forTenant("globex");

        assertThat(toolbox.forTenant("acme")).isSameAs(toolbox);
        assertThat(globex.names()).containsExactly("calculator");
        assertThat(globex.specifications()).extracting(ToolSpecification::name).containsExactly("calculator");
        assertThat(toolbox.forTenant("globex")).isSameAs(globex);
        assertThat(globex.execute("crm__lookup", invocation("{}"))).isEqualTo(ToolResult.failed(
                "there is no tool named 'crm__lookup'; the available tools are: calculator"));
        assertThat(toolbox.specifications()).extracting(ToolSpecification::name)
                .containsExactly("calculator", "crm__lookup");
    }

    @Test
    void answers_a_hallucinated_tool_name_with_the_list_of_tools() {
        Toolbox toolbox = new Toolbox(List.of(
                new LambdaTool("web_search", i -> ToolResult.ok("x")),
                new LambdaTool("calculator", i -> ToolResult.ok("y"))));

        ToolResult result = toolbox.execute("google_search", invocation("{}"));

        assertThat(result).isEqualTo(ToolResult.failed(
                "there is no tool named 'google_search'; the available tools are: web_search, calculator"));
    }

    @Test
    void runs_the_named_tool_with_the_invocation() {
        Toolbox toolbox = new Toolbox(List.of(new LambdaTool("echo", i -> ToolResult.ok(i.argumentsJson()))));

        assertThat(toolbox.execute("echo", invocation("{\"a\":1}"))).isEqualTo(ToolResult.ok("{\"a\":1}"));
    }

    @Test
    void turns_bad_arguments_into_text_the_model_sees() {
        Toolbox toolbox = new Toolbox(List.of(new LambdaTool("needs_q",
                i -> ToolResult.ok(ToolArguments.parse(i.argumentsJson()).string("q")))));

        assertThat(toolbox.execute("needs_q", invocation("{}")))
                .isEqualTo(ToolResult.failed("invalid arguments for tool 'needs_q': missing required argument 'q'"));
        assertThat(toolbox.execute("needs_q", invocation("{not json")).text())
                .startsWith("invalid arguments for tool 'needs_q': the arguments are not valid JSON");
    }

    @Test
    void passes_an_expected_failure_through_as_failed() {
        Toolbox toolbox = new Toolbox(List.of(new LambdaTool("fetch", i -> ToolResult.failed("HTTP 404"))));

        assertThat(toolbox.execute("fetch", invocation("{}"))).isEqualTo(ToolResult.failed("HTTP 404"));
    }

    @Test
    void throws_infrastructure_failures() {
        ToolInfrastructureException down = new ToolInfrastructureException("sandbox cannot start", true, null);
        Toolbox toolbox = new Toolbox(List.of(new LambdaTool("code", i -> {
            throw down;
        })));

        assertThatThrownBy(() -> toolbox.execute("code", invocation("{}"))).isSameAs(down);
    }

    @Test
    void reports_an_unexpected_exception_of_a_tool_as_a_non_retryable_infrastructure_failure() {
        Toolbox toolbox = new Toolbox(List.of(new LambdaTool("buggy", i -> {
            throw new IllegalStateException("boom");
        })));

        assertThatThrownBy(() -> toolbox.execute("buggy", invocation("{}")))
                .isInstanceOf(ToolInfrastructureException.class)
                .hasMessage("tool 'buggy' failed unexpectedly: java.lang.IllegalStateException: boom")
                .satisfies(e -> assertThat(((ToolInfrastructureException) e).retryable()).isFalse());
    }

    @Test
    void refuses_two_tools_with_the_same_name() {
        assertThatThrownBy(() -> new Toolbox(List.of(
                new LambdaTool("a", i -> null), new LambdaTool("a", i -> null))))
                .hasMessage("two tools are named 'a'");
    }
}
