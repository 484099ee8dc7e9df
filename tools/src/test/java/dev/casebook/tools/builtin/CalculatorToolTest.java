package dev.casebook.tools.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.Toolbox;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalculatorToolTest {
    private final Toolbox toolbox = new Toolbox(List.of(new CalculatorTool()));

    private ToolResult calculate(String expression) {
        String json = "{\"expression\":\"" + expression + "\"}";
        return toolbox.execute("calculator",
                new ToolInvocation(json, new ToolContext("t", "1", List.of(), Duration.ofSeconds(1))));
    }

    @Test
    void evaluates_with_precedence_and_parentheses() {
        assertThat(calculate("17*23")).isEqualTo(ToolResult.ok("391"));
        assertThat(calculate("2 + 3 * 4")).isEqualTo(ToolResult.ok("14"));
        assertThat(calculate("(2+3)^2/5")).isEqualTo(ToolResult.ok("5"));
        assertThat(calculate("-2^2")).isEqualTo(ToolResult.ok("-4"));
        assertThat(calculate("2^-1")).isEqualTo(ToolResult.ok("0.5"));
        assertThat(calculate("10 % 4")).isEqualTo(ToolResult.ok("2"));
    }

    @Test
    void knows_functions_and_constants() {
        assertThat(calculate("sqrt(16) + abs(-1)")).isEqualTo(ToolResult.ok("5"));
        assertThat(calculate("round(pi*100)")).isEqualTo(ToolResult.ok("314"));
        assertThat(calculate("1/3")).isEqualTo(ToolResult.ok("0.3333333333333333"));
        assertThat(calculate("1.5e3")).isEqualTo(ToolResult.ok("1500"));
    }

    @Test
    void explains_errors_to_the_model() {
        assertThat(calculate("1/0")).isEqualTo(ToolResult.failed("cannot evaluate '1/0': division by zero"));
        assertThat(calculate("2 +")).isEqualTo(ToolResult.failed("cannot evaluate '2 +': the expression ends too early"));
        assertThat(calculate("foo(2)"))
                .isEqualTo(ToolResult.failed("cannot evaluate 'foo(2)': unknown function or constant 'foo'"));
        assertThat(calculate("sqrt(-1)")).isEqualTo(ToolResult.failed("the expression 'sqrt(-1)' has no finite value"));
    }

    @Test
    void asks_for_the_missing_expression() {
        ToolResult result = toolbox.execute("calculator",
                new ToolInvocation("{}", new ToolContext("t", "1", List.of(), Duration.ofSeconds(1))));
        assertThat(result).isEqualTo(ToolResult.failed("invalid arguments for tool 'calculator': missing required argument 'expression'"));
    }
}
