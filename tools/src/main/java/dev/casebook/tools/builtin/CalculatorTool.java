package dev.casebook.tools.builtin;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolArguments;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.math.BigDecimal;
import java.math.MathContext;

/** Evaluates an arithmetic expression: {@code + - * / % ^}, parentheses, {@code sqrt abs ln log10 exp sin cos tan}, {@code pi e}. */
public final class CalculatorTool implements Tool {
    public static final String NAME = "calculator";

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(NAME)
            .description("Evaluates an arithmetic expression exactly as written, e.g. '17*23', '(2+3)^2/7', "
                    + "'sqrt(2)*pi'. Operators + - * / % ^, parentheses, functions sqrt abs ln log10 exp sin cos "
                    + "tan floor ceil round, constants pi and e.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("expression", "the expression to evaluate")
                    .required("expression")
                    .build())
            .build();

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        String expression = ToolArguments.parse(invocation.argumentsJson()).string("expression");
        try {
            double value = new ArithmeticExpression(expression).evaluate();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return ToolResult.failed("the expression '" + expression + "' has no finite value");
            }
            return ToolResult.ok(format(value));
        } catch (ArithmeticExpression.SyntaxException e) {
            return ToolResult.failed("cannot evaluate '" + expression + "': " + e.getMessage());
        }
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return new BigDecimal(value).round(MathContext.DECIMAL64).stripTrailingZeros().toPlainString();
    }
}
