package dev.casebook.server.agent;

import java.time.Duration;

/**
 * Limits of one task. Hitting any of them ends the task with that reason recorded.
 *
 * @param plannerIterations plan/replan rounds before a final answer is forced (AgentFly uses 3)
 * @param executorSteps     tool-calling steps per subtask
 * @param maxTokens         total tokens (prompt + completion) over all LLM calls of the task
 * @param wallTime          wall-clock time of the whole task
 */
public record Budgets(int plannerIterations, int executorSteps, long maxTokens, Duration wallTime) {
    public static final Budgets DEFAULT = new Budgets(3, 8, 200_000, Duration.ofMinutes(10));

    public Budgets {
        if (plannerIterations < 1 || plannerIterations > 20) {
            throw new IllegalArgumentException("plannerIterations must be within [1, 20], was " + plannerIterations);
        }
        if (executorSteps < 1 || executorSteps > 100) {
            throw new IllegalArgumentException("executorSteps must be within [1, 100], was " + executorSteps);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive, was " + maxTokens);
        }
        if (wallTime == null || wallTime.isNegative() || wallTime.isZero()) {
            throw new IllegalArgumentException("wallTime must be positive, was " + wallTime);
        }
    }
}
