package dev.casebook.server.agent;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The case memory the agent reads and writes: embedder, store, policies by name (with the default), the writer (the one door for memory writes),
 * the sources of the cases its planner may be shown ({@code selectable}; empty for all, the default), and the gate
 * that may close synthetic cases to a tenant ({@code gate}), and the insights shown to the planner ({@code insights};
 * null when {@code casebook.memory.insights.enabled} is off).
 */
public record AgentMemory(Embedder embedder, CaseStore store, Map<String, CaseSelectionPolicy> policies,
        String defaultPolicy, MemoryWriter writer, Set<CaseSource> selectable, SourceGate gate,
        AgentInsights insights) {

    public AgentMemory(Embedder embedder, CaseStore store, Map<String, CaseSelectionPolicy> policies,
            String defaultPolicy, MemoryWriter writer, Set<CaseSource> selectable, SourceGate gate) {
        this(embedder, store, policies, defaultPolicy, writer, selectable, gate, null);
    }

    public AgentMemory(Embedder embedder, CaseStore store, Map<String, CaseSelectionPolicy> policies,
            String defaultPolicy, MemoryWriter writer, Set<CaseSource> selectable) {
        this(embedder, store, policies, defaultPolicy, writer, selectable, SourceGate.OPEN);
    }

    /** The sources a task of {@code tenant} may be shown now; empty for all. */
    public Set<CaseSource> selectable(String tenant) {
        if (gate.syntheticSelectable(tenant)) {
            return selectable;
        }
        EnumSet<CaseSource> sources = selectable.isEmpty() ? EnumSet.allOf(CaseSource.class)
                : EnumSet.copyOf(selectable);
        sources.remove(CaseSource.SYNTHETIC);
        return sources;
    }

    /**
     * The factor by which an unconfirmed synthetic case's similarity is multiplied at selection
     * ({@link SourceGate#syntheticPrior()}).
     */
    public double syntheticPrior() {
        return gate.syntheticPrior();
    }

    /**
     * At most this many unconfirmed synthetic cases among the K a task is shown ({@link SourceGate#maxProvisional()}).
     */
    public int maxProvisional() {
        return gate.maxProvisional();
    }

    public AgentMemory {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(store, "store");
        policies = Map.copyOf(policies);
        if (!policies.containsKey(defaultPolicy)) {
            throw new IllegalArgumentException("default policy '" + defaultPolicy + "' is not one of "
                    + policies.keySet());
        }
        Objects.requireNonNull(writer, "writer");
        selectable = Set.copyOf(Objects.requireNonNullElse(selectable, Set.of()));
        gate = Objects.requireNonNullElse(gate, SourceGate.OPEN);
    }
}
