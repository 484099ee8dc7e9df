package dev.casebook.server.llm;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The LLM of each role, bound from {@code casebook.models.{planner,executor,judge}.*}. The executor and the judge
 * inherit every key they leave unset from the planner. A role without a base URL and model is not configured.
 */
@ConfigurationProperties("casebook.models")
public record ModelSettings(Role planner, Role executor, Role judge) {

    public ModelSettings {
        planner = planner == null ? Role.EMPTY : planner;
        executor = (executor == null ? Role.EMPTY : executor).inheriting(planner);
        judge = (judge == null ? Role.EMPTY : judge).inheriting(planner);
    }

    /**
     * One role's model.
     *
     * @param provider       {@code openai} (any OpenAI-compatible server: OpenAI, vLLM, llama.cpp, LM Studio) or
     *                       {@code ollama} (reached through Ollama's OpenAI-compatible {@code /v1} endpoint)
     * @param baseUrl        e.g. {@code https://api.openai.com/v1}; for {@code ollama} defaults to
     *                       {@code http://localhost:11434/v1}
     * @param apiKey         sent as a bearer token; may be empty for local servers
     * @param model          the model name the server knows
     * @param timeout        time for one HTTP call (default 60 s)
     * @param maxRetries     retries after a 429, a 5xx, a time-out or a broken connection (default 3)
     * @param initialBackoff wait before the first retry, doubled for each further one (default 500 ms)
     */
    public record Role(String provider, String baseUrl, String apiKey, String model, Duration timeout,
            Integer maxRetries, Duration initialBackoff) {
        static final Role EMPTY = new Role(null, null, null, null, null, null, null);
        public static final String OLLAMA_BASE_URL = "http://localhost:11434/v1";

        public Role {
            if (provider != null && !provider.isBlank()) {
                provider = provider.strip().toLowerCase(Locale.ROOT);
                if (!provider.equals("openai") && !provider.equals("ollama")) {
                    throw new IllegalArgumentException(
                            "casebook.models.*.provider must be 'openai' or 'ollama', was '" + provider + "'");
                }
            } else {
                provider = null;
            }
            if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
                throw new IllegalArgumentException("casebook.models.*.timeout must be positive, was " + timeout);
            }
            if (maxRetries != null && (maxRetries < 0 || maxRetries > 10)) {
                throw new IllegalArgumentException(
                        "casebook.models.*.max-retries must be within [0, 10], was " + maxRetries);
            }
            if (initialBackoff != null && initialBackoff.isNegative()) {
                throw new IllegalArgumentException(
                        "casebook.models.*.initial-backoff must not be negative, was " + initialBackoff);
            }
            baseUrl = blankToNull(baseUrl);
            apiKey = blankToNull(apiKey);
            model = blankToNull(model);
        }

        /**
         * This role with every unset key taken from {@code parent}; the endpoint (base URL, key) only when this role
         * names no other provider than the parent's.
         */
        Role inheriting(Role parent) {
            boolean sameProvider = provider == null || provider.equals(parent.effectiveProvider());
            return new Role(or(provider, parent.provider), sameProvider ? or(baseUrl, parent.baseUrl) : baseUrl,
                    sameProvider ? or(apiKey, parent.apiKey) : apiKey, or(model, parent.model),
                    or(timeout, parent.timeout), or(maxRetries, parent.maxRetries),
                    or(initialBackoff, parent.initialBackoff));
        }

        public String effectiveProvider() {
            return provider == null ? "openai" : provider;
        }

        public String effectiveBaseUrl() {
            return baseUrl == null && "ollama".equals(effectiveProvider()) ? OLLAMA_BASE_URL : baseUrl;
        }

        /** True when the role names a model and where to reach it. */
        public boolean configured() {
            return effectiveBaseUrl() != null && model != null;
        }

        public Duration effectiveTimeout() {
            return timeout == null ? Duration.ofSeconds(60) : timeout;
        }

        public RetryPolicy retryPolicy() {
            return new RetryPolicy(maxRetries == null ? 3 : maxRetries,
                    initialBackoff == null ? Duration.ofMillis(500) : initialBackoff, Duration.ofSeconds(20));
        }

        private static <T> T or(T value, T fallback) {
            return value != null ? value : fallback;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
