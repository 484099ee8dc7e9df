package dev.casebook.server.agent;

import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ChatMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The state of one task's run: its spec, where its steps go, and the budgets it spends (tokens, wall time). Every
 * LLM call of the run goes through {@link #chat}, which checks the budgets first and counts the tokens after.
 */
final class Run {
    private final TaskSpec spec;
    private final StepListener listener;
    private final Instant deadline;
    private final long started = System.nanoTime();
    private long tokens;

    Run(TaskSpec spec, StepListener listener) {
        this.spec = spec;
        this.listener = listener;
        this.deadline = Instant.now().plus(spec.budgets().wallTime());
    }

    TaskSpec spec() {
        return spec;
    }

    Budgets budgets() {
        return spec.budgets();
    }

    long tokens() {
        return tokens;
    }

    Instant deadline() {
        return deadline;
    }

    void emit(Step step) {
        listener.on(step);
    }

    /** Time left before the wall-time budget, never more than {@code cap}. */
    Duration remaining(Duration cap) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(cap) < 0 ? left : cap;
    }

    /** Throws {@link Stop} when the task was cancelled or a budget is spent. */
    void check() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("task cancelled");
        }
        if (!Instant.now().isBefore(deadline)) {
            throw new Stop("budget_time", "the wall-time budget of " + spec.budgets().wallTime() + " ran out after "
                    + elapsedMillis() + " ms");
        }
        if (tokens >= spec.budgets().maxTokens()) {
            throw new Stop("budget_tokens", "the token budget of " + spec.budgets().maxTokens()
                    + " tokens is spent (" + tokens + " used)");
        }
    }

    LlmReply chat(LlmClient client, String interaction, List<ChatMessage> messages, List<ToolSpecification> tools)
            throws InterruptedException {
        check();
        try {
            LlmReply reply = client.chat(new LlmCall(interaction, messages, tools, deadline));
            tokens += reply.tokens();
            return reply;
        } catch (LlmException e) {
            throw new Stop(e.kind().reason(), e.getMessage(), e);
        }
    }

    long elapsedMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
