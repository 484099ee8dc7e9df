package dev.casebook.server.llm;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The LLM of each role, bound from {@code casebook.models.{planner,executor,judge,experience}.*}. The executor, the
 * judge and the experience model (the world model of dream rollouts, {@code dev.casebook.server.synthesis}) inherit
 * every key they leave unset from the planner. A role without a base URL and model is not configured.
 *
 * <p>{@code casebook.models.profiles.<name>.*} are further models (same keys as a role) that an evaluation run may
 * name for any role ({@link RunModels}); a profile inherits nothing and must name a model and where it is.
 *
 * <p>{@code casebook.models.allowed-models} are the plain model names a run may ask of a role's configured endpoint
 * besides the configured roles' own models; {@code *} allows any. Left empty, any name is allowed only with
 * authentication off (one local user); with it on, runs choose among profiles and the configured models, so an API
 * client cannot run up costs on a model the operator did not pick.
 *
 * <p>{@code casebook.models.probe} (default true): at start-up each configured endpoint is asked once what it serves
 * and accepts ({@link ModelProbe}).
 */
@ConfigurationProperties("casebook.models")
public record ModelSettings(Role planner, Role executor, Role judge, Role experience, Map<String, Role> profiles,
        List<String> allowedModels, Boolean probe) {
    @ConstructorBinding
    public ModelSettings {
        probe = probe == null || probe;
        planner = planner == null ? Role.EMPTY : planner;
        executor = (executor == null ? Role.EMPTY : executor).inheriting(planner);
        judge = (judge == null ? Role.EMPTY : judge).inheriting(planner);
        experience = (experience == null ? Role.EMPTY : experience).inheriting(planner);
        profiles = new TreeMap<>(profiles == null ? Map.of() : profiles);
        profiles.forEach((name, profile) -> {
            if (name.isBlank() || profile == null || !profile.configured()) {
                throw new IllegalArgumentException("casebook.models.profiles." + name
                        + " needs base-url (or provider ollama) and model");
            }
        });
        profiles = Collections.unmodifiableMap(profiles);
        allowedModels = allowedModels == null ? List.of()
                : allowedModels.stream().map(String::strip).filter(m -> !m.isEmpty()).toList();
    }

    /** Settings without the start-up probe's key (it defaults to on). */
    public ModelSettings(Role planner, Role executor, Role judge, Role experience, Map<String, Role> profiles,
            List<String> allowedModels) {
        this(planner, executor, judge, experience, profiles, allowedModels, null);
    }

    /** The configured model of a role. */
    public Role role(ModelRole role) {
        return switch (role) {
            case PLANNER -> planner;
            case EXECUTOR -> executor;
            case JUDGE -> judge;
            case EXPERIENCE -> experience;
        };
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
     * @param keepReasoning  keep the model's reasoning in the trace of the step (default true); its tokens are counted
     *                       either way
     * @param structuredOutput how JSON replies are asked for ({@link StructuredOutput}; default {@code auto})
     * @param maxTokens      {@code max_tokens} of each call; unset leaves it to the server
     * @param retryMaxTokens a reply cut at the token limit ({@code finish_reason: length}) is asked again once with
     *                       this {@code max_tokens}; unset, such a reply fails its step with reason {@code truncated}
     * @param contextWindow  the model's context window in tokens: prompts are sized to fit before the call (unset: the
     *                       start-up probe's value when the server reports one, else no sizing before the call)
     * @param stream         ask for streamed replies ({@code stream: true}, usage from the last chunk; default false)
     */
    public record Role(String provider, String baseUrl, String apiKey, String model, Duration timeout,
            Integer maxRetries, Duration initialBackoff, Boolean keepReasoning, StructuredOutput structuredOutput,
            Integer maxTokens, Integer retryMaxTokens, Integer contextWindow, Boolean stream) {
        public static final Role EMPTY = new Role(null, null, null, null, null, null, null);
        public static final String OLLAMA_BASE_URL = "http://localhost:11434/v1";

        /** The keys of a role as {@code casebook.models.<role>.*} names them, in the order shown. */
        public static final List<String> KEYS = List.of("provider", "base-url", "model", "timeout", "max-retries",
                "initial-backoff", "keep-reasoning", "structured-output", "max-tokens", "retry-max-tokens",
                "context-window", "stream");

        /** A role with the endpoint keys only; reply handling at its defaults. */
        public Role(String provider, String baseUrl, String apiKey, String model, Duration timeout,
                Integer maxRetries, Duration initialBackoff) {
            this(provider, baseUrl, apiKey, model, timeout, maxRetries, initialBackoff, null, null, null, null, null,
                    null);
        }

        @ConstructorBinding
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
            positive("max-tokens", maxTokens);
            positive("retry-max-tokens", retryMaxTokens);
            positive("context-window", contextWindow);
            if (maxTokens != null && retryMaxTokens != null && retryMaxTokens <= maxTokens) {
                throw new IllegalArgumentException("casebook.models.*.retry-max-tokens must be larger than max-tokens ("
                        + maxTokens + "), was " + retryMaxTokens);
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
                    or(initialBackoff, parent.initialBackoff), or(keepReasoning, parent.keepReasoning),
                    or(structuredOutput, parent.structuredOutput), or(maxTokens, parent.maxTokens),
                    or(retryMaxTokens, parent.retryMaxTokens), or(contextWindow, parent.contextWindow),
                    or(stream, parent.stream));
        }

        public String effectiveProvider() {
            return provider == null ? "openai" : provider;
        }

        public String effectiveBaseUrl() {
            return baseUrl == null && "ollama".equals(effectiveProvider()) ? OLLAMA_BASE_URL : baseUrl;
        }

        /** The same endpoint, key, time-out, retries and reply handling with another model name. */
        public Role withModel(String model) {
            return new Role(provider, baseUrl, apiKey, model, timeout, maxRetries, initialBackoff, keepReasoning,
                    structuredOutput, maxTokens, retryMaxTokens, contextWindow, stream);
        }

        public boolean effectiveKeepReasoning() {
            return keepReasoning == null || keepReasoning;
        }

        public StructuredOutput effectiveStructuredOutput() {
            return structuredOutput == null ? StructuredOutput.AUTO : structuredOutput;
        }

        public boolean effectiveStream() {
            return stream != null && stream;
        }

        /**
         * The value of a key ({@link #KEYS}) as configured or inherited, in its wire form; null when unset. Defaults
         * are not filled in: the status shows them as such.
         */
        public Object value(String key) {
            return switch (key) {
                case "provider" -> provider;
                case "base-url" -> baseUrl;
                case "model" -> model;
                case "timeout" -> timeout == null ? null : timeout.toString();
                case "max-retries" -> maxRetries;
                case "initial-backoff" -> initialBackoff == null ? null : initialBackoff.toString();
                case "keep-reasoning" -> keepReasoning;
                case "structured-output" -> structuredOutput == null ? null : structuredOutput.wireName();
                case "max-tokens" -> maxTokens;
                case "retry-max-tokens" -> retryMaxTokens;
                case "context-window" -> contextWindow;
                case "stream" -> stream;
                default -> throw new IllegalArgumentException("unknown key '" + key + "'; keys: " + KEYS);
            };
        }

        /** The value a key has when nothing sets it; null when unset means "not sent" or "unknown". */
        public Object defaultValue(String key) {
            return switch (key) {
                case "provider" -> "openai";
                case "base-url" -> effectiveBaseUrl();
                case "timeout" -> effectiveTimeout().toString();
                case "max-retries" -> retryPolicy().maxRetries();
                case "initial-backoff" -> retryPolicy().initialBackoff().toString();
                case "keep-reasoning" -> true;
                case "structured-output" -> StructuredOutput.AUTO.wireName();
                case "stream" -> false;
                default -> null;
            };
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

        /** No API key: what may be shown or stored about a role. */
        @Override
        public String toString() {
            return "Role[provider=" + effectiveProvider() + ", baseUrl=" + effectiveBaseUrl() + ", model=" + model
                    + "]";
        }

        private static void positive(String key, Integer value) {
            if (value != null && value < 1) {
                throw new IllegalArgumentException("casebook.models.*." + key + " must be positive, was " + value);
            }
        }

        private static <T> T or(T value, T fallback) {
            return value != null ? value : fallback;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.strip();
        }
    }
}
