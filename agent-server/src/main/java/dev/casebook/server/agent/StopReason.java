package dev.casebook.server.agent;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why a run stopped early: the closed set of stable codes a task, an evaluation item or a rollout ends with (and the
 * reasons of {@link Step.Stopped} steps), each saying whether the stop is the agent's own failure.
 *
 * <p>{@link #agentAtFault()} is true only when the agent's approach spent what it was given ({@link #BUDGET_TOKENS}:
 * its plan took more tokens than the task allows). The model's output format after all repairs
 * ({@link #INVALID_PLAN}, {@link #NO_ANSWER}, {@link #TRUNCATED}, {@link #CONTEXT_WINDOW}), an unreachable or refusing
 * model, the wall time (a server budget, which the model's speed decides as much as the agent), cancellation,
 * interruption, a restart or an error of the server say nothing about the approach: such an episode writes no case,
 * and no rollout reward. A negative case means the approach was judged wrong (feedback, a scorer, a validator or a
 * judge), which only an answered episode can be.
 */
public enum StopReason {
    INVALID_PLAN("invalid_plan", false),
    NO_ANSWER("no_answer", false),
    TRUNCATED("truncated", false),
    CONTEXT_WINDOW("context_window", false),
    LLM_UNAVAILABLE("llm_unavailable", false),
    LLM_REJECTED("llm_rejected", false),
    BUDGET_TOKENS("budget_tokens", true),
    BUDGET_TIME("budget_time", false),
    CANCELLED("cancelled", false),
    INTERRUPTED("interrupted", false),
    UNKNOWN_POLICY("unknown_policy", false),
    NO_MODEL_CONFIGURED("no_model_configured", false),
    INTERNAL_ERROR("internal_error", false),
    /** A batch item whose run failed outside the agent. */
    ERROR("error", false),
    /** A step's note, not a task's end: the planning rounds ran out and an answer is forced. */
    BUDGET_PLANNER_ITERATIONS("budget_planner_iterations", false),
    /** A step's note, not a task's end: a subtask used all its executor steps. */
    BUDGET_EXECUTOR_STEPS("budget_executor_steps", false);

    private static final Map<String, StopReason> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(StopReason::code, Function.identity()));

    private final String code;
    private final boolean agentAtFault;

    StopReason(String code, boolean agentAtFault) {
        this.code = code;
        this.agentAtFault = agentAtFault;
    }

    /** The wire code, as tasks, steps and reports show it. */
    public String code() {
        return code;
    }

    /** True when the stop is the agent's own failure: the episode may be remembered as a pitfall. */
    public boolean agentAtFault() {
        return agentAtFault;
    }

    /** @throws IllegalArgumentException for a code outside the set */
    public static StopReason of(String code) {
        StopReason reason = BY_CODE.get(code);
        if (reason == null) {
            throw new IllegalArgumentException("unknown stop reason '" + code + "'; known: " + BY_CODE.keySet());
        }
        return reason;
    }

    /** True for a code of the set. */
    public static boolean known(String code) {
        return BY_CODE.containsKey(code);
    }
}
