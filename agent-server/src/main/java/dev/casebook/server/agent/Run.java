package dev.casebook.server.agent;

import dev.casebook.llm.PromptSize;
import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.langchain4j.data.message.ChatMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The state of one task's run: its spec, where its steps go, and the budgets it spends (tokens, wall time). Every
 * LLM call of the run goes through {@link #chat}, which checks the budgets first, fits the prompt to the model's
 * context window, and counts the tokens after.
 */
final class Run {
    private final TaskSpec spec;
    private final StepListener listener;
    private final Instant deadline;
    private final long started = System.nanoTime();
    private long tokens;
    private boolean tokensEstimated;

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

    /** True when some call's tokens were estimated (its endpoint sent no usage). */
    boolean tokensEstimated() {
        return tokensEstimated;
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
            throw new Stop(StopReason.BUDGET_TIME, "the wall-time budget of " + spec.budgets().wallTime()
                    + " ran out after " + elapsedMillis() + " ms");
        }
        if (tokens >= spec.budgets().maxTokens()) {
            throw new Stop(StopReason.BUDGET_TOKENS, "the token budget of " + spec.budgets().maxTokens()
                    + " tokens is spent (" + tokens + " used)");
        }
    }

    /**
     * One call of a step. Before it, the prompt is made smaller as its reductions allow until it fits the model's
     * context window (when one is known), leaving room for the reply; when the endpoint still says it does not fit,
     * it is made smaller again (to three quarters of its size at least) and sent once more. Each shrinking is a
     * {@link Step.PromptShrunk} step.
     *
     * @throws Stop with the reason of a call that gave no usable reply ({@link StopReason#CONTEXT_WINDOW} when it did
     *              not fit after that)
     */
    LlmReply chat(LlmClient client, Prompt prompt) throws InterruptedException {
        check();
        Integer window = client.contextWindow();
        if (window != null) {
            long room = window - client.replyReserve();
            shrink(prompt, "context_window_setting", tokens -> tokens <= room, false);
        }
        try {
            return counted(client.chat(call(prompt)));
        } catch (LlmException e) {
            if (e.kind() != LlmException.Kind.CONTEXT_WINDOW) {
                throw stop(e);
            }
            long before = size(prompt);
            if (!shrink(prompt, "context_window_error", tokens -> tokens <= before * 3 / 4, true)) {
                throw stop(e);
            }
            check();
            try {
                return counted(client.chat(call(prompt)));
            } catch (LlmException again) {
                throw stop(again);
            }
        }
    }

    private LlmCall call(Prompt prompt) {
        return new LlmCall(prompt.interaction(), prompt.messages(), prompt.tools(), deadline, prompt.schema(),
                spec.conversation().sampling());
    }

    private LlmReply counted(LlmReply reply) {
        tokens += reply.tokens();
        tokensEstimated |= reply.tokensEstimated();
        return reply;
    }

    private Stop stop(LlmException e) {
        tokens += e.spent().total();
        tokensEstimated |= e.spent().estimated();
        return new Stop(StopReason.of(e.kind().reason()), e.getMessage(), e);
    }

    /**
     * Applies the prompt's reductions in order, each as often as it can, until {@code fits}; emits one step when
     * anything changed. {@code force}: at least one reduction must apply. False when nothing could be taken away.
     */
    private boolean shrink(Prompt prompt, String cause, LongPredicate fits, boolean force) {
        long before = size(prompt);
        if (fits.test(before) && !force) {
            return true;
        }
        long started = System.nanoTime();
        List<ChatMessage> messages = prompt.messages();
        List<String> how = new ArrayList<>();
        for (Prompt.Reduction reduction : prompt.reductions()) {
            List<ChatMessage> smaller;
            while (!fits.test(PromptSize.tokens(messages, prompt.tools()))
                    && (smaller = reduction.apply().apply(messages)) != null) {
                messages = smaller;
                if (!how.contains(reduction.how())) {
                    how.add(reduction.how());
                }
            }
        }
        if (how.isEmpty()) {
            return false;
        }
        prompt.messages().clear();
        prompt.messages().addAll(messages);
        emit(new Step.PromptShrunk(prompt.interaction(), cause, String.join(", ", how), before, size(prompt),
                (System.nanoTime() - started) / 1_000_000));
        return true;
    }

    private static long size(Prompt prompt) {
        return PromptSize.tokens(prompt.messages(), prompt.tools());
    }

    /** What a step records of its model call. */
    static Step.LlmUse use(LlmReply reply) {
        return new Step.LlmUse(reply.reasoning(), reply.usage().reasoning(), reply.tokensEstimated(),
                reply.inputTokens(), reply.outputTokens());
    }

    long elapsedMillis() {
        return (System.nanoTime() - started) / 1_000_000;
    }
}
