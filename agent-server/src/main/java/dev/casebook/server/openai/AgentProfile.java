package dev.casebook.server.openai;

import dev.casebook.server.agent.Budgets;
import dev.casebook.memory.MemoryMode;
import java.util.Objects;
import java.util.Set;

/**
 * A model of the {@code /v1} API: the agent with a memory mode, a case-selection policy and budgets, which a
 * request's {@code casebook_*} options may change.
 *
 * @param name        the model name clients send
 * @param policy      the case-selection policy; null for the server's default
 * @param memoryMode  how its tasks use case memory
 * @param budgets     its tasks' budgets
 * @param description what it is, for the model list
 * @param tenants     the tenants that may use it; empty for all
 */
record AgentProfile(String name, String policy, MemoryMode memoryMode, Budgets budgets, String description,
        Set<String> tenants) {
    AgentProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(memoryMode, "memoryMode");
        Objects.requireNonNull(budgets, "budgets");
        description = description == null ? "" : description;
        tenants = Set.copyOf(tenants);
    }

    boolean allows(String tenant) {
        return tenants.isEmpty() || tenants.contains(tenant);
    }
}
