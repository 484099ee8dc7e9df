package dev.casebook.server.openai;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.Budgets;
import dev.casebook.memory.MemoryMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The models of the {@code /v1} API. Built in: {@code casebook} (the server's default policy, read-write memory) and
 * {@code casebook-<policy>} for each case-selection policy the server has (e.g. {@code casebook-similarity},
 * {@code casebook-learned}); then the profiles of {@code casebook.openai.models}, which may replace a built-in one;
 * and {@value #EMBEDDINGS}, the in-process embedding model, when the server has one. A profile limited to some
 * tenants is unknown to the others.
 */
@Component
class ModelCatalog {
    static final String DEFAULT = "casebook";
    static final String EMBEDDINGS = "casebook-embeddings";

    private final Map<String, AgentProfile> profiles;
    private final ObjectProvider<Embedder> embedder;
    private final long created = Instant.now().getEpochSecond();

    ModelCatalog(OpenAiSettings settings, ObjectProvider<AgentMemory> memory, ObjectProvider<Embedder> embedder) {
        this.embedder = embedder;
        AgentMemory m = memory.getIfAvailable();
        Map<String, AgentProfile> all = new LinkedHashMap<>();
        all.put(DEFAULT, new AgentProfile(DEFAULT, null, MemoryMode.READ_WRITE, Budgets.DEFAULT,
                "the Casebook agent: " + (m == null ? "no case memory on this server"
                        : "case memory with the " + m.defaultPolicy() + " policy"), Set.of()));
        if (m != null) {
            m.policies().keySet().stream().sorted().forEach(policy -> all.put(DEFAULT + "-" + policy,
                    new AgentProfile(DEFAULT + "-" + policy, policy, MemoryMode.READ_WRITE, Budgets.DEFAULT,
                            "the Casebook agent with the " + policy + " case-selection policy", Set.of())));
        }
        settings.models().forEach((name, p) -> all.put(name, profile(name, p, m)));
        this.profiles = Map.copyOf(all);
    }

    private static AgentProfile profile(String name, OpenAiSettings.Profile p, AgentMemory memory) {
        String key = "casebook.openai.models." + name;
        if (p.policy() != null && memory != null && !memory.policies().containsKey(p.policy())) {
            throw new IllegalStateException(key + ".policy is '" + p.policy() + "', but the policies of this server "
                    + "are " + memory.policies().keySet());
        }
        try {
            Budgets d = Budgets.DEFAULT;
            Budgets budgets = new Budgets(
                    p.plannerIterations() == null ? d.plannerIterations() : p.plannerIterations(),
                    p.executorSteps() == null ? d.executorSteps() : p.executorSteps(),
                    p.tokenBudget() == null ? d.maxTokens() : p.tokenBudget(),
                    p.wallTime() == null ? d.wallTime() : p.wallTime());
            MemoryMode mode = p.memoryMode() == null ? MemoryMode.READ_WRITE : MemoryMode.parse(p.memoryMode());
            return new AgentProfile(name, p.policy(), mode, budgets, p.description() == null
                    ? "the Casebook agent, profile '" + name + "'" : p.description(), Set.copyOf(p.tenants()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }

    /** The profiles the tenant may use, by name. */
    List<AgentProfile> profiles(String tenant) {
        List<AgentProfile> mine = new ArrayList<>();
        profiles.values().stream().filter(p -> p.allows(tenant))
                .sorted(Comparator.comparing(AgentProfile::name)).forEach(mine::add);
        return mine;
    }

    /**
     * The tenant's profile of this name.
     *
     * @throws OpenAiException 404 {@code model_not_found}, naming the models the tenant may use
     */
    AgentProfile profile(String tenant, String name) {
        AgentProfile p = profiles.get(name);
        if (p == null || !p.allows(tenant)) {
            throw new OpenAiException(HttpStatus.NOT_FOUND, "model", "model_not_found", "the model '" + name
                    + "' does not exist" + (name.equals(EMBEDDINGS) && hasEmbeddings()
                    ? " for chat completions: it is the embedding model (POST /v1/embeddings)" : "")
                    + "; models: " + profiles(tenant).stream().map(AgentProfile::name).toList());
        }
        return p;
    }

    boolean hasEmbeddings() {
        return embedder.getIfAvailable() != null;
    }

    /** The in-process embedding model, when the server has one. */
    Embedder embedder() {
        Embedder e = embedder.getIfAvailable();
        if (e == null) {
            throw new OpenAiException(HttpStatus.SERVICE_UNAVAILABLE, "model", "embeddings_not_configured",
                    "this server has no embedding model (casebook.memory.store is none)");
        }
        return e;
    }

    /** When the catalog was made (the models' {@code created}). */
    long created() {
        return created;
    }
}
