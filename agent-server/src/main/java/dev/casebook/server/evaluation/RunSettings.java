package dev.casebook.server.evaluation;

import dev.casebook.server.agent.MemoryMode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A run's resolved settings, stored with it (so a resumed run continues with exactly these). */
record RunSettings(String split, List<String> groups, Integer limit, Integer sample, long seed, int attempts,
                   int concurrency, String memoryMode, String policy, List<String> scorers, int epochs,
                   boolean leaveOneTaskOut, int questions, Map<String, String> models) {
    RunSettings {
        groups = List.copyOf(groups);
        scorers = List.copyOf(scorers);
        models = Map.copyOf(models);
        Objects.requireNonNull(memoryMode, "memoryMode");
        if (scorers.isEmpty()) {
            throw new IllegalArgumentException("at least one scorer is required");
        }
    }

    MemoryMode mode() {
        return MemoryMode.parse(memoryMode);
    }

    String primaryScorer() {
        return scorers.getFirst();
    }
}
