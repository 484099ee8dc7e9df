package dev.casebook.server.sandboxtasks;

import dev.casebook.server.agent.MemoryMode;
import dev.casebook.server.llm.RunModels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A job's settings as stored. Slots (0 to {@code tasks - 1}) are generated in rounds of {@code tasksPerRound}; a
 * slot's generation item is {@code seq = slot} at epoch {@code 2 * round}, its kept task's rollouts
 * {@code seq = tasks + slot * rolloutsPerTask + rollout} at epoch {@code 2 * round + 1}, so a round's rollouts run
 * after all its generations, and the next round's generations after all its rollouts.
 */
record JobSettings(String domain, int tasks, int rolloutsPerTask, int concurrency, int tasksPerRound,
                   int startDifficulty, String memoryMode, String policy, Map<String, RunModels.Choice> models,
                   Long maxTokens) {
    JobSettings {
        Objects.requireNonNull(domain, "domain");
        MemoryMode.parse(memoryMode);
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models == null ? Map.of() : models));
    }

    MemoryMode mode() {
        return MemoryMode.parse(memoryMode);
    }

    int rounds() {
        return (tasks + tasksPerRound - 1) / tasksPerRound;
    }

    int round(int slot) {
        return slot / tasksPerRound;
    }

    int rolloutSeq(int slot, int rollout) {
        return tasks + slot * rolloutsPerTask + rollout;
    }
}
