package dev.casebook.server.memory;

import dev.casebook.memory.policy.learned.Exploration;
import dev.casebook.memory.policy.learned.ExplorationPreset;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The learned case-selection policy, bound from {@code casebook.memory.learned.*}; used when
 * {@code casebook.memory.policy} is {@code learned}.
 *
 * @param checkpointDir      where the Q-network's checkpoint lives (default {@code ./data/policy})
 * @param candidates         shortlist size N asked from the store (default 64)
 * @param temperature        softmax temperature over Q-values; 0 is greedy (default 0.5)
 * @param checkpointInterval least time between periodic checkpoints (default 5 minutes)
 * @param exploration        how the policy explores, an {@link ExplorationPreset}'s name (default {@code softmax})
 * @param clusterThreshold   the cosine that joins a cluster of look-alikes, for {@code thompson-local-top-clusters}
 *                           only (default 0.9, tuned on the simulator's space, not on real embeddings)
 */
@ConfigurationProperties("casebook.memory.learned")
record LearnedPolicySettings(Path checkpointDir, Integer candidates, Double temperature,
        Duration checkpointInterval, String exploration, Double clusterThreshold) {

    public LearnedPolicySettings {
        checkpointDir = checkpointDir == null ? Path.of("data", "policy") : checkpointDir;
        candidates = candidates == null ? 64 : candidates;
        if (candidates < 1 || candidates > 10_000) {
            throw new IllegalArgumentException(
                    "casebook.memory.learned.candidates must be within [1, 10000], was " + candidates);
        }
        temperature = temperature == null ? 0.5 : temperature;
        if (temperature.isNaN() || temperature < 0 || temperature.isInfinite()) {
            throw new IllegalArgumentException(
                    "casebook.memory.learned.temperature must be finite and >= 0, was " + temperature);
        }
        checkpointInterval = checkpointInterval == null ? Duration.ofMinutes(5) : checkpointInterval;
        if (checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("casebook.memory.learned.checkpoint-interval must not be negative");
        }
        exploration = exploration == null ? ExplorationPreset.SOFTMAX.configName() : exploration;
        try {
            ExplorationPreset.named(exploration);
        } catch (IllegalArgumentException e) {
            // the whole of e is its message: the name and the known ones
            throw new IllegalArgumentException("casebook.memory.learned.exploration: " + e.getMessage());
        }
        clusterThreshold = clusterThreshold == null ? ExplorationPreset.CLUSTER_THRESHOLD : clusterThreshold;
        if (!(clusterThreshold > 0 && clusterThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "casebook.memory.learned.cluster-threshold must be within (0, 1], was " + clusterThreshold);
        }
    }

    /** The exploration the configured preset builds. */
    Exploration explorationRule() {
        return ExplorationPreset.named(exploration).exploration(clusterThreshold);
    }
}
