package dev.casebook.server.evaluation;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The judge's model for the {@code judge} and {@code simpleqa} scorers, from {@code casebook.models.judge.*}; keys it
 * leaves unset come from {@code casebook.models.planner.*}. Ollama is reached through its OpenAI-compatible
 * {@code /v1} endpoint.
 */
record JudgeModel(String provider, String baseUrl, String apiKey, String model, Duration timeout) {
    static final String OLLAMA = "http://localhost:11434/v1";

    static JudgeModel bind(Environment environment) {
        Binder binder = Binder.get(environment);
        JudgeModel judge = binder.bind("casebook.models.judge", JudgeModel.class).orElse(new JudgeModel(null, null, null, null, null));
        JudgeModel planner = binder.bind("casebook.models.planner", JudgeModel.class).orElse(new JudgeModel(null, null, null, null, null));
        return new JudgeModel(or(judge.provider, planner.provider), or(judge.baseUrl, planner.baseUrl),
                or(judge.apiKey, planner.apiKey), or(judge.model, planner.model), or(judge.timeout, planner.timeout));
    }

    boolean configured() {
        return model != null && !model.isBlank() && (effectiveBaseUrl() != null);
    }

    String effectiveBaseUrl() {
        return (baseUrl == null || baseUrl.isBlank()) && "ollama".equals(provider) ? OLLAMA : baseUrl;
    }

    ChatModel chatModel() {
        return OpenAiChatModel.builder().baseUrl(effectiveBaseUrl())
                .apiKey(apiKey == null || apiKey.isBlank() ? "none" : apiKey)
                .modelName(model).timeout(timeout == null ? Duration.ofSeconds(60) : timeout).maxRetries(3).build();
    }

    private static <T> T or(T value, T fallback) {
        return value == null || (value instanceof String s && s.isBlank()) ? fallback : value;
    }
}
