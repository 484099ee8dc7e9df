package dev.casebook.server.llm;

import java.util.Objects;

/** The configured model of each role. */
public record Models(LlmClient planner, LlmClient executor, LlmClient judge) {
    public Models {
        Objects.requireNonNull(planner, "planner");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(judge, "judge");
    }

    public static Models of(ModelSettings settings) {
        return of(settings.planner(), settings.executor(), settings.judge());
    }

    public static Models of(ModelSettings.Role planner, ModelSettings.Role executor, ModelSettings.Role judge) {
        return of(LlmMetrics.NONE, planner, executor, judge);
    }

    /** The models of these roles, their calls counted in {@code metrics}. */
    public static Models of(LlmMetrics metrics, ModelSettings.Role planner, ModelSettings.Role executor,
            ModelSettings.Role judge) {
        return new Models(LlmClient.of(ModelRole.PLANNER, planner, metrics),
                LlmClient.of(ModelRole.EXECUTOR, executor, metrics), LlmClient.of(ModelRole.JUDGE, judge, metrics));
    }
}
