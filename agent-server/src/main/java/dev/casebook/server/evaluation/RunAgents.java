package dev.casebook.server.evaluation;

import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.server.llm.RunModels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The agent and scorers of a run for the models it chose ({@link RunModels}). A run on the server's own models gets
 * the server's agent bean and scorer registry; other model sets get an agent built by the {@link AgentFactory} and a
 * registry whose judges use the run's judge model, each kept for the next run with the same models (the last
 * {@value #CACHED} distinct sets).
 */
@Component
class RunAgents {
    static final int CACHED = 16;

    private final RunModels models;
    private final ObjectProvider<Agent> agent;
    private final ObjectProvider<AgentFactory> factory;
    private final ScorerRegistry scorers;
    private final int judgeAttempts;
    private final Map<List<ModelSettings.Role>, Agent> agents = lru();
    private final Map<ModelSettings.Role, ScorerRegistry> registries = lru();

    RunAgents(RunModels models, ObjectProvider<Agent> agent, ObjectProvider<AgentFactory> factory,
              ScorerRegistry scorers, EvaluationSettings settings) {
        this.models = models;
        this.agent = agent;
        this.factory = factory;
        this.scorers = scorers;
        this.judgeAttempts = settings.judgeAttempts();
    }

    /**
     * The agent for these choices; null when the server has none.
     *
     * @throws IllegalStateException when a choice cannot be served (its profile is gone, or this server's agent is
     *                               not built from {@code casebook.models.*} and cannot change models)
     */
    Agent agent(Map<String, RunModels.Choice> choices) {
        if (isServers(choices)) {
            return agent.getIfAvailable();
        }
        List<ModelSettings.Role> roles = models.roles(choices);
        AgentFactory builder = factory.getIfAvailable();
        if (builder == null) {
            throw new IllegalStateException("this server's agent is not built from casebook.models.*, so a run cannot"
                    + " choose its models");
        }
        return cached(agents, roles,
                r -> builder.withModels(Models.of(models.metrics(), r.get(0), r.get(1), r.get(2))));
    }

    /**
     * The scorers for these choices: the judges use the chosen judge model.
     *
     * @throws IllegalStateException when the judge's profile is gone
     */
    ScorerRegistry scorers(Map<String, RunModels.Choice> choices) {
        RunModels.Choice judge = choices.get(ModelRole.JUDGE.wireName());
        ModelSettings.Role role = models.role(ModelRole.JUDGE, judge);
        if (judge == null || role.equals(models.role(ModelRole.JUDGE, null))) {
            return scorers;
        }
        return cached(registries, role, r -> ScorerRegistry.withJudge(JudgeModel.of(r, models.metrics()),
                judgeAttempts));
    }

    private boolean isServers(Map<String, RunModels.Choice> choices) {
        for (ModelRole role : ModelRole.RUN) {
            RunModels.Choice choice = choices.get(role.wireName());
            if (choice != null && !models.role(role, choice).equals(models.role(role, null))) {
                return false;
            }
        }
        return true;
    }

    private static <K, V> V cached(Map<K, V> cache, K key, Function<K, V> build) {
        synchronized (cache) {
            return cache.computeIfAbsent(key, build);
        }
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(CACHED, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > CACHED;
            }
        };
    }
}
