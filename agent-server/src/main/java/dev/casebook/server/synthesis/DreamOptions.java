package dev.casebook.server.synthesis;

import dev.casebook.memory.MemoryMode;
import dev.casebook.server.llm.RunModels;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A dream job's options as resolved from its request (per job, not Spring properties), stored with it so that a
 * resumed job continues with exactly these.
 *
 * @param models   the model name of each role (never a key or URL)
 * @param profiles  the model profile of each role that uses one
 * @param maxTokens the job's token budget ({@link DreamRequest}); null for none (also in jobs stored before it)
 * @param seedFrom  the real weak spots the seeds were taken from ({@code failed-real}, {@code uncertain-real}), or null
 */
record DreamOptions(int seedTasks, int rolloutsPerTask, int concurrency, MemoryMode memoryMode, String policy,
        Curriculum curriculum, int maxRollouts, Map<String, String> models, Map<String, String> profiles,
        Long maxTokens, String seedFrom) {
    DreamOptions {
        Objects.requireNonNull(memoryMode, "memoryMode");
        Objects.requireNonNull(curriculum, "curriculum");
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /**
     * Curriculum rounds ({@code rounds} 0: none), tasks varied per round, variations per task, and whether variations
     * are asked to be harder than their task (false in jobs stored before it).
     */
    record Curriculum(int rounds, int tasks, int variations, boolean harder) {
        static final Curriculum NONE = new Curriculum(0, 0, 0, false);
    }


    Map<String, RunModels.Choice> modelChoices() {
        return RunModels.choices(models, profiles);
    }
}
