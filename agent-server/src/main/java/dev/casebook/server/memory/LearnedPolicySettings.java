package dev.casebook.server.memory;

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
 */
@ConfigurationProperties("casebook.memory.learned")
record LearnedPolicySettings(Path checkpointDir, Integer candidates, Double temperature,
        Duration checkpointInterval) {

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
    }
}
