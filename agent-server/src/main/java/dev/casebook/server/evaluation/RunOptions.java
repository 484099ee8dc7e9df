package dev.casebook.server.evaluation;

import dev.casebook.memory.MemoryMode;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.RunModels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run's options as resolved from its request (per run, not Spring properties), stored with it so that a resumed
 * run continues with exactly these.
 *
 * @param models   the model name of each role (never a key or URL)
 * @param profiles the model profile of each role that uses one ({@code casebook.models.profiles.<name>}); a role
 *                 without one asks its configured endpoint for the model in {@code models}
 * @param maxTokens the run's token budget ({@link RunRequest}); null for none (also in runs stored before it)
 * @param bank     the bank a read-write run writes to; null when it writes none (and in runs stored before banks)
 * @param banks    the banks cases are selected from; empty for all
 */
record RunOptions(String split, List<String> groups, Integer limit, Integer sample, long seed, int attempts,
                  int concurrency, MemoryMode memoryMode, String policy, List<String> scorers, int epochs,
                  boolean leaveOneTaskOut, int questions, Map<String, String> models, Map<String, String> profiles,
                  Long maxTokens, String bank, List<String> banks) {
    RunOptions {
        banks = banks == null ? List.of() : List.copyOf(banks);
        groups = List.copyOf(groups);
        scorers = List.copyOf(scorers);
        models = byRole(models);
        profiles = byRole(profiles == null ? Map.of() : profiles); // runs stored before profiles existed
        Objects.requireNonNull(memoryMode, "memoryMode");
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException("at least one scorer is required");
        }
    }

    String primaryScorer() {
        return scorers.getFirst();
    }

    /** The stored model choice of each role that has one. */
    Map<String, RunModels.Choice> modelChoices() {
        return RunModels.choices(models, profiles);
    }

    /** An unmodifiable copy in the order of {@link ModelRole#RUN}. */
    private static Map<String, String> byRole(Map<String, String> values) {
        Map<String, String> ordered = new LinkedHashMap<>();
        ModelRole.RUN.stream().map(ModelRole::wireName).filter(values::containsKey)
                .forEach(role -> ordered.put(role, values.get(role)));
        values.forEach(ordered::putIfAbsent);
        return Collections.unmodifiableMap(ordered);
    }
}
