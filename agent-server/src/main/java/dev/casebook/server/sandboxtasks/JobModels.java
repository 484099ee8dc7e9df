package dev.casebook.server.sandboxtasks;

import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.ModelSettings;
import dev.casebook.server.llm.Models;
import dev.casebook.server.llm.RunModels;
import java.util.List;
import java.util.Map;

/**
 * A job's models, chosen per role as evaluation runs choose them ({@link RunModels}): the agent's planner and
 * executor; the planner also generates the tasks ({@code generate-task}) and the judge analyses failed rollouts
 * ({@code failure-analysis}).
 */
record JobModels(Models agent) {

    /** @throws IllegalStateException when a stored choice can no longer be served (its profile is gone) */
    static JobModels of(RunModels models, Map<String, RunModels.Choice> choices) {
        List<ModelSettings.Role> roles = models.roles(choices);
        return new JobModels(Models.of(models.metrics(), roles.get(0), roles.get(1), roles.get(2)));
    }

    LlmClient generator() {
        return agent.planner();
    }

    LlmClient analyst() {
        return agent.judge();
    }
}
