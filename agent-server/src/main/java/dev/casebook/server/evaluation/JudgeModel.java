package dev.casebook.server.evaluation;

import dev.casebook.server.llm.ModelSettings;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/**
 * The chat model of the {@code judge} and {@code simpleqa} scorers for a judge role ({@code casebook.models.judge.*},
 * unset keys from the planner, or a run's choice). Ollama is reached through its OpenAI-compatible {@code /v1}
 * endpoint.
 */
final class JudgeModel {
    private JudgeModel() {
    }

    static ChatModel of(ModelSettings.Role judge) {
        if (!judge.configured()) {
            throw new IllegalArgumentException("the judge role names no model and endpoint: " + judge);
        }
        return OpenAiChatModel.builder().baseUrl(judge.effectiveBaseUrl())
                .apiKey(judge.apiKey() == null ? "none" : judge.apiKey())
                .modelName(judge.model()).timeout(judge.effectiveTimeout()).maxRetries(3).build();
    }
}
