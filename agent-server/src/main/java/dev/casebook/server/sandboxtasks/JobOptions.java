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
 * {@code 2 * round + 1}, and its group item {@code seq = tasks + tasks * rolloutsPerTask + slot} at epoch
 * {@code 2 * round + 2}, so a round's rollouts run after all its generations, its groups after all its rollouts, and
 * the next round's generations after all its groups. {@code seeds} are the real tasks ({@code seedFrom}) the slots practise, slot {@code k} the seed
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

    /**
     * The most items a job of {@code tasks} task slots and {@code rollouts} rollouts per task runs, every kind counted:
     * each slot's generation (repairs run inside it) and, when its task is kept, the task's rollouts and its group item.
     * A discarded task runs fewer; no job runs more.
     */
    static long items(int tasks, int rollouts) {
        return tasks * (1L + itemsPerKeptTask(rollouts));
    }

    /** How {@link #items(int, int)} came about, for a problem detail. */
    static String itemFormula(int tasks, int rollouts) {
        return tasks + " tasks x (1 generation + " + rollouts + " rollouts + 1 group)";
    }

    /** The items a kept task adds when its generation finishes: its rollouts and the group item that decides them. */
    static int itemsPerKeptTask(int rollouts) {
        return rollouts + 1;
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
