package dev.casebook.server.synthesis;

import dev.casebook.server.llm.LlmException;
import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolInfrastructureException;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.Toolbox;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated world of one dream rollout: every tool call of its agent is answered by the experience model,
 * grounded by the real transitions of the replay buffer most like the call, and the episode's history grows with each
 * answer. Once a prediction says {@code done}, further calls are refused without asking the model (the episode is
 * over: the agent should answer). An experience model that gives no usable prediction, or no reply at all, makes the
 * call fail as a tool that could not run ({@link ToolInfrastructureException}), which the agent sees as text; a real
 * tool is never called. One episode's calls come one after the other, from its task's thread.
 */
final class DreamEpisode {
    static final String ENDED = "the environment has ended this episode: the task can be answered from what the "
            + "earlier calls returned, so answer it now";

    private final String tenant;
    private final String task;
    private final ExperienceModel model;
    private final ReplayTransitions buffer;
    private final int groundingExamples;
    private final Duration callTimeout;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong tokens = new AtomicLong();
    private volatile boolean done;

    /** One simulated call: the transition, the ids of the real transitions that grounded it, the model calls. */
    record Call(Transition transition, List<Long> grounding, int attempts) {
        Call {
            grounding = List.copyOf(grounding);
        }
    }

    DreamEpisode(String tenant, String task, ExperienceModel model, ReplayTransitions buffer, int groundingExamples,
            Duration callTimeout) {
        this.tenant = tenant;
        this.task = task;
        this.model = model;
        this.buffer = buffer;
        this.groundingExamples = groundingExamples;
        this.callTimeout = callTimeout;
    }

    /** Tools with the real ones' names, specifications and tenant rules, whose calls this episode answers. */
    Toolbox mirror(Toolbox real) {
        return new Toolbox(real.tools().stream().map(tool -> (Tool) new DreamTool(tool, this)).toList());
    }

    List<Transition> history() {
        return calls.stream().map(Call::transition).toList();
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Tokens the experience model used for this episode's calls. */
    long tokens() {
        return tokens.get();
    }

    boolean done() {
        return done;
    }

    /** Called by the episode's tools, one call after the other (not synchronised: an LLM call must not pin). */
    ToolResult simulate(ToolSpecification tool, ToolInvocation invocation) {
        String arguments = invocation.argumentsJson();
        if (done) {
            calls.add(new Call(new Transition(tool.name(), arguments, ENDED, null, true, "", true), List.of(), 0));
            return ToolResult.failed(ENDED);
        }
        List<ReplayTransition> examples = groundingExamples == 0 ? List.of()
                : buffer.similar(tenant, task, tool.name(), arguments, groundingExamples);
        Duration timeout = invocation.context().timeout().compareTo(callTimeout) < 0 ? invocation.context().timeout()
                : callTimeout;
        Prediction prediction;
        try {
            prediction = model.predict(new ExperienceModel.Situation(task, history(), tool, arguments, examples),
                    Instant.now().plus(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolInfrastructureException("the simulated call was interrupted", false, e);
        } catch (LlmException e) {
            calls.add(new Call(new Transition(tool.name(), arguments, e.getMessage(), null, false, "", true),
                    ids(examples), e.attempts()));
            throw new ToolInfrastructureException("the experience model gave no reply: " + e.getMessage(),
                    e.retryable(), e);
        }
        tokens.addAndGet(prediction.tokens());
        return switch (prediction) {
            case Prediction.Predicted p -> {
                calls.add(new Call(new Transition(tool.name(), arguments, p.observation(), p.reward(), p.done(),
                        p.reasoning(), false), ids(examples), p.attempts()));
                done = p.done();
                yield ToolResult.ok(p.observation());
            }
            case Prediction.Unusable u -> {
                String message = "the experience model gave no valid observation in " + u.attempts() + " attempt"
                        + (u.attempts() == 1 ? "" : "s") + " (" + u.problem() + ")";
                calls.add(new Call(new Transition(tool.name(), arguments, message, null, false, "", true),
                        ids(examples), u.attempts()));
                throw new ToolInfrastructureException(message, true, null);
            }
        };
    }

    private static List<Long> ids(List<ReplayTransition> examples) {
        return examples.stream().map(ReplayTransition::id).toList();
    }
}
