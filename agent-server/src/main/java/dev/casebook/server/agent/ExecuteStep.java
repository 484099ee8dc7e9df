package dev.casebook.server.agent;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmReply;
import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInfrastructureException;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.Toolbox;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The executor's interaction {@code execute}: works one subtask with tool calling, at most
 * {@code budgets.executorSteps} model replies. Tool failures (unknown tool names, malformed arguments, tools that
 * cannot run) become text the model sees; a result longer than the limit is truncated with a note, and every result
 * stays paired with its call. When the steps run out the subtask ends with what was found, and a
 * {@code budget_executor_steps} stop is recorded; the planner decides what to do next. Tool calls the server did not
 * parse but the model wrote in its text (Hermes, Mistral, Llama 3 dialects) are run like native ones. A prompt too long
 * for the model's context window loses older tool results first (shortened, then dropped), then the length of earlier
 * subtasks' results.
 */
final class ExecuteStep {
    static final String EXECUTE = """
            You are the executor of an agent. Carry out the subtask you are given, using the tools when they help; \
            do not guess what a tool can compute or look up.
            When the subtask is done, reply in plain text with its result, stating the values found.""";

    static final String SUBTASK = """
            Overall task: %s

            Results of earlier subtasks:
            %s
            Your subtask (%d of %d): %s""";

    private final LlmClient executor;
    private final Toolbox toolbox;
    private final int maxResultChars;
    private final Duration toolTimeout;

    ExecuteStep(LlmClient executor, Toolbox toolbox, int maxResultChars, Duration toolTimeout) {
        this.executor = executor;
        this.toolbox = toolbox;
        this.maxResultChars = maxResultChars;
        this.toolTimeout = toolTimeout;
    }

    Finding execute(Run run, int number, int of, String subtask, List<Finding> earlier) throws InterruptedException {
        long started = System.nanoTime();
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(EXECUTE));
        messages.add(UserMessage.from(SUBTASK.formatted(run.spec().text(), Finding.describe(earlier), number, of,
                subtask)));
        Toolbox tools = toolbox.forTenant(run.spec().tenant());
        Prompt prompt = new Prompt("execute", messages, tools.specifications(), null, List.of(
                Prompt.olderToolResultsShortened(), Prompt.olderToolResultsDropped(),
                Finding.shortened(1, earlier, false, results -> SUBTASK.formatted(run.spec().text(), results, number, of,
                        subtask))));
        List<String> observations = new ArrayList<>();
        for (int step = 1; step <= run.budgets().executorSteps(); step++) {
            long callStarted = System.nanoTime();
            LlmReply reply = run.chat(executor, prompt);
            if (!reply.hasToolCalls()) {
                String result = reply.text().strip();
                run.emit(new Step.SubtaskDone(number, subtask, result, reply.tokens(), millisSince(started),
                        Run.use(reply)));
                return new Finding(number, subtask, result);
            }
            prompt.messages().add(reply.message());
            long tokens = reply.tokens();
            long callMillis = millisSince(callStarted);
            Step.LlmUse use = Run.use(reply);
            for (ToolExecutionRequest request : reply.message().toolExecutionRequests()) {
                String callId = request.id() == null ? "call-" + number + "-" + step : request.id();
                run.emit(new Step.ToolCalled(number, callId, request.name(), request.arguments(), tokens,
                        callMillis, reply.toolCallDialect(), use));
                tokens = 0;
                callMillis = 0;
                use = new Step.LlmUse("", 0, use.tokensEstimated(), 0, 0);
                String result = callTool(run, tools, number, callId, request);
                prompt.messages().add(ToolExecutionResultMessage.from(callId, request.name(), result));
                observations.add(request.name() + " → " + result);
            }
        }
        run.emit(new Step.Stopped(StopReason.BUDGET_EXECUTOR_STEPS, "subtask " + number + " used all "
                + run.budgets().executorSteps() + " executor steps without finishing", millisSince(started)));
        String partial = "[incomplete: the executor's step budget ran out] last observations: "
                + String.join("; ", observations.subList(Math.max(0, observations.size() - 3), observations.size()));
        run.emit(new Step.SubtaskDone(number, subtask, partial, 0, millisSince(started)));
        return new Finding(number, subtask, partial);
    }

    private String callTool(Run run, Toolbox tools, int number, String callId, ToolExecutionRequest request)
            throws InterruptedException {
        run.check();
        long started = System.nanoTime();
        boolean ok;
        String text;
        try {
            Duration timeout = run.remaining(toolTimeout);
            ToolContext context = new ToolContext(run.spec().tenant(), run.spec().id(), run.spec().attachments(),
                    timeout.isNegative() || timeout.isZero() ? Duration.ofMillis(1) : timeout);
            ToolResult result = tools.execute(request.name(), new ToolInvocation(request.arguments(), context));
            ok = result instanceof ToolResult.Ok;
            text = result.text();
        } catch (ToolInfrastructureException e) {
            ok = false;
            text = "the tool '" + request.name() + "' could not run: " + e.getMessage()
                    + (e.retryable() ? " (trying again later may work)" : "");
        }
        boolean truncated = text.length() > maxResultChars;
        if (truncated) {
            text = text.substring(0, maxResultChars) + "\n[truncated: the result had " + text.length()
                    + " characters; only the first " + maxResultChars + " are shown]";
        }
        run.emit(new Step.ToolReturned(number, callId, request.name(), ok, text, truncated, millisSince(started)));
        return text;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
