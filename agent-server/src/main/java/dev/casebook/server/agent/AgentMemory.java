package dev.casebook.server.agent;

import dev.casebook.memory.CaseStore;
import dev.casebook.memory.MemoryRewriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import java.util.Map;
import java.util.Objects;

/** The case memory the agent reads and writes: embedder, store, policies by name (with the default), rewriter. */
public record AgentMemory(Embedder embedder, CaseStore store, Map<String, CaseSelectionPolicy> policies,
        String defaultPolicy, MemoryRewriter rewriter) {
    public AgentMemory {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(store, "store");
        policies = Map.copyOf(policies);
        if (!policies.containsKey(defaultPolicy)) {
            throw new IllegalArgumentException("default policy '" + defaultPolicy + "' is not one of "
                    + policies.keySet());
        }
        Objects.requireNonNull(rewriter, "rewriter");
    }
}
