package dev.casebook.memory.policy.learned;

import dev.casebook.memory.policy.SimilarityPolicy;
import dev.casebook.memory.policy.learned.LearnedPolicy.TrainingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The configuration of a {@link LearnedPolicy}.
 *
 * @param candidates          shortlist size N asked from the retriever
 * @param temperature         softmax temperature over the selection logits; 0 is greedy
 * @param similarityWeight    weight of the similarity prior added to the Q logit to rank and draw cases, in
 *                            logits per standard deviation of the shortlist's cosines: the similarity policy
 *                            as the reference that Q moves away from; 0 ranks by Q alone
 * @param maxPositives        at most this many positive cases (examples) per selection, as in
 *                            {@link SimilarityPolicy.Settings}
 * @param maxNegatives        at most this many negative cases (pitfalls) per selection
 * @param hidden              hidden width of a new network (a checkpoint keeps its own)
 * @param learningRate        Adam's learning rate
 * @param batchSize           mini-batch size
 * @param minExamples         training starts once the replay buffer holds this many examples
 * @param updatesPerExample   mini-batch steps trained per new replay example
 * @param replayCapacity      replay buffer size
 * @param checkpointDirectory where checkpoints live; null for none
 * @param checkpointInterval  least time between periodic checkpoints
 * @param seed                seed of a new network's weights, the softmax draws and mini-batch sampling
 * @param trainingMode        where training runs
 * @param exploration         how the cases are drawn from the shortlist
 * @param credit              how an episode's reward is credited to the cases it showed
 */
public record PolicySettings(int candidates, double temperature, double similarityWeight, int maxPositives,
        int maxNegatives, int hidden, float learningRate, int batchSize, int minExamples, int updatesPerExample,
        int replayCapacity, Path checkpointDirectory, Duration checkpointInterval, long seed,
        TrainingMode trainingMode, Exploration exploration, Credit credit) {
    public PolicySettings {
        if (candidates < 1 || candidates > 10_000) {
            throw new IllegalArgumentException("candidates must be within [1, 10000], was " + candidates);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, was " + temperature);
        }
        if (!(similarityWeight >= 0) || Double.isInfinite(similarityWeight)) {
            throw new IllegalArgumentException("similarityWeight must be finite and >= 0, was "
                    + similarityWeight);
        }
        if (maxPositives < 0 || maxNegatives < 0) {
            throw new IllegalArgumentException("quotas must not be negative, were maxPositives=" + maxPositives
                    + " maxNegatives=" + maxNegatives);
        }
        if (batchSize < 1 || minExamples < 1 || updatesPerExample < 1 || replayCapacity < 1) {
            throw new IllegalArgumentException("batchSize, minExamples, updatesPerExample and replayCapacity"
                    + " must be positive, were " + batchSize + ", " + minExamples + ", " + updatesPerExample
                    + ", " + replayCapacity);
        }
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        if (checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("checkpointInterval must not be negative");
        }
        Objects.requireNonNull(trainingMode, "trainingMode");
        Objects.requireNonNull(exploration, "exploration");
        Objects.requireNonNull(credit, "credit");
    }

    /** Softmax exploration and per-case credit, as before {@link Exploration} and {@link Credit} existed. */
    public PolicySettings(int candidates, double temperature, double similarityWeight, int maxPositives,
            int maxNegatives, int hidden, float learningRate, int batchSize, int minExamples,
            int updatesPerExample, int replayCapacity, Path checkpointDirectory, Duration checkpointInterval,
            long seed, TrainingMode trainingMode) {
        this(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden, learningRate,
                batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, Exploration.SOFTMAX, Credit.CASE);
    }

    /**
     * N = 64, temperature 0.5, similarity weight 1, no quotas (as {@link SimilarityPolicy.Settings#DEFAULT}),
     * 128 hidden, Adam 1e-3, batches of 32, two steps per example, checkpoints every 5 min, background training.
     */
    public static PolicySettings defaults(Path checkpointDirectory) {
        return new PolicySettings(64, 0.5, 1, 64, 64, 128, 1e-3f, 32, 32, 2, 50_000, checkpointDirectory,
                Duration.ofMinutes(5), 42, TrainingMode.BACKGROUND, Exploration.SOFTMAX, Credit.CASE);
    }

    public PolicySettings withTemperature(double temperature) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withSimilarityWeight(double similarityWeight) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withQuotas(int maxPositives, int maxNegatives) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withExploration(Exploration exploration) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withCredit(Credit credit) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    /** The similarity policy with the same shortlist and quotas: what this policy falls back to. */
    public SimilarityPolicy.Settings similarity() {
        return new SimilarityPolicy.Settings(maxPositives, maxNegatives, candidates, false);
    }

    public PolicySettings withCandidates(int candidates) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withTraining(int hidden, float learningRate, int batchSize, int minExamples,
            int updatesPerExample) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withCheckpointInterval(Duration checkpointInterval) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withSeed(long seed) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }

    public PolicySettings withTrainingMode(TrainingMode trainingMode) {
        return new PolicySettings(candidates, temperature, similarityWeight, maxPositives, maxNegatives, hidden,
                learningRate, batchSize, minExamples, updatesPerExample, replayCapacity, checkpointDirectory,
                checkpointInterval, seed, trainingMode, exploration, credit);
    }
}
