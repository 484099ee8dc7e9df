package dev.casebook.server.agent;

import dev.casebook.server.llm.Models;

/**
 * Builds agents like the configured one (same tools, memory and settings) with other models, for evaluation runs
 * that choose their models. Present when the configured agent is (a planner model is configured).
 */
@FunctionalInterface
public interface AgentFactory {

    Agent withModels(Models models);
}
