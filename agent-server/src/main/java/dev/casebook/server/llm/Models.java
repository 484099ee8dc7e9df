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
        return new Models(LlmClient.of("planner", planner), LlmClient.of("executor", executor),
                LlmClient.of("judge", judge));
    }
}
