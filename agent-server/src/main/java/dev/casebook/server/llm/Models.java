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
        return new Models(LlmClient.of("planner", settings.planner()), LlmClient.of("executor", settings.executor()),
                LlmClient.of("judge", settings.judge()));
    }
}
