package dev.casebook.server.agent;

/**
 * Runs one task through the M-MDP loop: select cases, plan, execute with tools, answer, rewrite memory.
 *
 * <p>Rules: never throws for a task-level problem (no model, budget hit, invalid plan, LLM down): those end in
 * {@link Outcome.Failed} with a stable reason and a {@link Step.Stopped} step. Cancellation is by interrupting the
 * running thread: the run ends with reason {@code cancelled}. Steps reach the listener in order, on the calling
 * thread. Thread-safe: many tasks run at once, each on its own (virtual) thread.
 */
public interface Agent {

    Outcome run(TaskSpec spec, StepListener listener);
}
