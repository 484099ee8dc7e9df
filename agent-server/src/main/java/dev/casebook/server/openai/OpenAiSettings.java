package dev.casebook.server.openai;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The OpenAI-compatible API ({@code /v1}), bound from {@code casebook.openai.*}.
 *
 * @param models          agent profiles offered as models besides the built-in ones ({@link ModelCatalog}), by model
 *                        name; a profile named like a built-in one replaces it
 * @param maxContextChars the earlier turns of a chat the planner sees, newest first, up to this many characters
 *                        (default 32000); older turns are left out and the planner is told how many
 * @param keepAlive       while a streamed completion waits for the agent, a comment line is sent this often
 *                        (default 10 s): it keeps proxies from closing the stream and shows when the client left
 */
@ConfigurationProperties("casebook.openai")
record OpenAiSettings(Map<String, Profile> models, Integer maxContextChars, Duration keepAlive) {

    OpenAiSettings {
        models = new TreeMap<>(models == null ? Map.of() : models);
        models.replaceAll((name, profile) -> profile == null ? Profile.DEFAULT : profile);
        models.keySet().forEach(name -> {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")) {
                throw new IllegalArgumentException("casebook.openai.models: '" + name + "' is no model name (letters, "
                        + "digits and ._:- up to 100)");
            }
            if (name.equals(ModelCatalog.EMBEDDINGS)) {
                throw new IllegalArgumentException("casebook.openai.models: '" + name + "' is the embedding model's "
                        + "name");
            }
        });
        models = Map.copyOf(models);
        maxContextChars = maxContextChars == null ? 32_000 : maxContextChars;
        if (maxContextChars < 0) {
            throw new IllegalArgumentException("casebook.openai.max-context-chars must not be negative, was "
                    + maxContextChars);
        }
        keepAlive = keepAlive == null ? Duration.ofSeconds(10) : keepAlive;
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("casebook.openai.keep-alive must be positive, was " + keepAlive);
        }
    }

    /**
     * A profile as configured ({@code casebook.openai.models.<name>.*}); unset keys take the server's defaults.
     *
     * @param policy            case-selection policy ({@code casebook.memory.policy} when unset)
     * @param memoryMode        {@code off}, {@code read-only} or {@code read-write} (the default)
     * @param description       shown in the model list
     * @param tenants           the tenants whose keys may use it; empty for all
     * @param plannerIterations default budgets of its tasks (as {@code POST /api/tasks}' when unset)
     * @param executorSteps     ditto
     * @param tokenBudget       ditto
     * @param wallTime          ditto
     */
    record Profile(String policy, String memoryMode, String description, List<String> tenants,
            Integer plannerIterations, Integer executorSteps, Long tokenBudget, Duration wallTime) {
        static final Profile DEFAULT = new Profile(null, null, null, null, null, null, null, null);

        Profile {
            tenants = tenants == null ? List.of() : List.copyOf(tenants);
        }
    }
}
