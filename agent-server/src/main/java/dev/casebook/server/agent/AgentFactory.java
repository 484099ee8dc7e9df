package dev.casebook.server.agent;

import dev.casebook.server.llm.Models;
import dev.casebook.tools.Toolbox;
import java.util.function.UnaryOperator;

/**
 * Builds agents like the configured one (same memory and settings) with other models, for evaluation runs that
 * choose their models, and with other tools, for dream rollouts whose tool calls the experience model answers.
 * Present when the configured agent is (a planner model is configured).
 */
@FunctionalInterface
public interface AgentFactory {

    /** An agent with these models and the configured tools. */
    default Agent withModels(Models models) {
        return withTools(models, UnaryOperator.identity());
    }

    /**
     * An agent with these models whose toolbox is {@code tools} applied to the configured one (e.g. simulated tools
     * with the same specifications, so the planner and executor see exactly what they would see for real).
     */
    Agent withTools(Models models, UnaryOperator<Toolbox> tools);
}
