package dev.casebook.server.sandboxtasks;

import dev.casebook.memory.MemoryMode;
import dev.casebook.server.llm.RunModels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job's options as resolved from its request (per job, not Spring properties), as stored. Slots (0 to
 * {@code tasks - 1}) are generated in rounds of {@code tasksPerRound}; a slot's generation item is {@code seq = slot}
 * at epoch {@code 2 * round}, its kept task's rollouts {@code seq = tasks + slot * rolloutsPerTask + rollout} at epoch
 * {@code 2 * round + 1}, so a round's rollouts run after all its generations, and the next round's generations after
 * all its rollouts. {@code seeds} are the real tasks ({@code seedFrom}) the slots practise, slot {@code k} the seed
 * {@code k mod seeds}.
 */
record JobOptions(String domain, int tasks, int rolloutsPerTask, int concurrency, int tasksPerRound,
                  int startDifficulty, MemoryMode memoryMode, String policy, Map<String, RunModels.Choice> models,
                  Long maxTokens, Integer repairAttempts, Boolean dedupe, String seedFrom, List<String> seeds,
                  Boolean harder, List<Map<String, Object>> given) {
    JobOptions {
        Objects.requireNonNull(domain, "domain");
        repairAttempts = repairAttempts == null ? 0 : repairAttempts; // jobs stored before repairs had none
        dedupe = dedupe != null && dedupe;
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
        harder = harder != null && harder;
        given = given == null ? List.of() : List.copyOf(given);
        Objects.requireNonNull(memoryMode, "memoryMode");
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models == null ? Map.of() : models));
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

    /** The seq of the item that decides slot {@code slot}'s cases once its rollouts ended: after every rollout's. */
    int groupSeq(int slot) {
        return tasks + tasks * rolloutsPerTask + slot;
    }

    /** The real task slot {@code slot} practises, and how many slots before it practised the same one; null without seeds. */
    Seed seed(int slot) {
        return seeds.isEmpty() ? null : new Seed(seeds.get(slot % seeds.size()), slot / seeds.size());
    }

    record Seed(String task, int variation) {
    }
}
