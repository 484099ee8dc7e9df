package dev.casebook.server.synthesis;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.server.llm.RunModels;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The models of a dream job: the agent's roles, and the experience model that simulates, judges and varies tasks. */
record DreamModels(Models agent, LlmClient experienceClient, ExperienceModel experience) {
    DreamModels {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(experienceClient, "experienceClient");
        Objects.requireNonNull(experience, "experience");
    }

    /**
     * The models of these choices (roles left out are the server's).
     *
     * @throws IllegalStateException when a choice cannot be served (its profile is gone) or a role has no model
     */
    static DreamModels of(RunModels models, Map<String, RunModels.Choice> choices, SynthesisSettings settings) {
        var experience = models.role(ModelRole.EXPERIENCE, choices.get(ModelRole.EXPERIENCE.wireName()));
        if (!experience.configured()) {
            throw new IllegalStateException("no experience model is configured (casebook.models.experience.*, or the"
                    + " planner's, which it inherits)");
        }
        LlmClient client = LlmClient.of(ModelRole.EXPERIENCE, experience, models.metrics());
        List<ModelSettings.Role> agent = models.roles(choices);
        return new DreamModels(Models.of(models.metrics(), agent.get(0), agent.get(1), agent.get(2)), client,
                new ExperienceModel(client, settings.experienceAttempts(), settings.historySteps()));
    }
}
