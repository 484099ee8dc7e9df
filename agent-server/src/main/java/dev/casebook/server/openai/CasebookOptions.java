package dev.casebook.server.openai;

import dev.casebook.server.agent.Budgets;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.memory.CaseBanks;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * How a request changes its model's profile: {@code casebook_*} keys in {@code metadata} (string values, as OpenAI's
 * metadata has them) or as extra fields of the body (strings or numbers; they win over metadata). A {@code casebook_}
 * key that is none of {@link #KEYS} is refused, so a misspelt option is never silently ignored.
 *
 * @param values the options given, by key, as text
 */
record CasebookOptions(Map<String, String> values) {
    static final String MEMORY_MODE = "casebook_memory_mode";
    static final String POLICY = "casebook_policy";
    static final String PLANNER_ITERATIONS = "casebook_planner_iterations";
    static final String EXECUTOR_STEPS = "casebook_executor_steps";
    static final String TOKEN_BUDGET = "casebook_token_budget";
    static final String WALL_SECONDS = "casebook_wall_seconds";
    static final String BANK = "casebook_bank";
    static final String BANKS = "casebook_banks";
    static final List<String> KEYS = List.of(MEMORY_MODE, POLICY, PLANNER_ITERATIONS, EXECUTOR_STEPS, TOKEN_BUDGET,
            WALL_SECONDS, BANK, BANKS);

    CasebookOptions {
        values = Map.copyOf(values);
    }

    static CasebookOptions read(JsonNode body) {
        Map<String, String> values = new LinkedHashMap<>();
        JsonNode metadata = body.path("metadata");
        if (!metadata.isMissingNode() && !metadata.isNull() && !metadata.isObject()) {
            throw OpenAiException.invalid("metadata", "'metadata' must be an object of strings");
        }
        collect(metadata, "metadata.", values);
        collect(body, "", values);
        return new CasebookOptions(values);
    }

    private static void collect(JsonNode object, String prefix, Map<String, String> values) {
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            String key = field.getKey();
            if (!key.startsWith("casebook_")) {
                continue;
            }
            if (!KEYS.contains(key)) {
                throw OpenAiException.unsupported(prefix + key, "unknown option '" + prefix + key + "'; Casebook's "
                        + "options are " + KEYS);
            }
            JsonNode value = field.getValue();
            if (!value.isString() && !value.isNumber()) {
                throw OpenAiException.invalid(prefix + key, "'" + prefix + key + "' must be a string or a number");
            }
            values.put(key, value.asString());
        }
    }

    MemoryMode memoryMode(AgentProfile profile) {
        String mode = values.get(MEMORY_MODE);
        try {
            return mode == null ? profile.memoryMode() : MemoryMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalid(MEMORY_MODE, "'" + MEMORY_MODE + "': " + e.getMessage());
        }
    }

    String policy(AgentProfile profile) {
        String policy = values.get(POLICY);
        return policy == null || policy.isBlank() ? profile.policy() : policy.strip();
    }

    /** The case bank a read-write task writes to; null for {@code default}. */
    String bank() {
        String bank = values.get(BANK);
        return bank == null || bank.isBlank() ? null : bankName(BANK, bank.strip());
    }

    /** The banks the task's cases are selected from, comma-separated; empty for all. */
    List<String> banks() {
        String banks = values.get(BANKS);
        if (banks == null || banks.isBlank()) {
            return List.of();
        }
        return Arrays.stream(banks.split(",")).map(String::strip).map(n -> bankName(BANKS, n)).toList();
    }

    private static String bankName(String key, String name) {
        try {
            return CaseBanks.requireName(name);
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalid(key, "'" + key + "': " + e.getMessage());
        }
    }

    /** The profile's budgets with the ones the request gives. */
    Budgets budgets(AgentProfile profile) {
        Budgets d = profile.budgets();
        try {
            return new Budgets(
                    (int) number(PLANNER_ITERATIONS, d.plannerIterations()),
                    (int) number(EXECUTOR_STEPS, d.executorSteps()),
                    number(TOKEN_BUDGET, d.maxTokens()),
                    values.containsKey(WALL_SECONDS) ? Duration.ofSeconds(number(WALL_SECONDS, 0)) : d.wallTime());
        } catch (IllegalArgumentException e) {
            throw OpenAiException.invalid(null, "budget options: " + e.getMessage());
        }
    }

    private long number(String key, long fallback) {
        String value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n < 1 || n > Integer.MAX_VALUE && !key.equals(TOKEN_BUDGET)) {
                throw OpenAiException.invalid(key, "'" + key + "' must be a positive whole number, was " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw OpenAiException.invalid(key, "'" + key + "' must be a whole number, was '" + value + "'");
        }
    }
}
