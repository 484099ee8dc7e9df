package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.SimilarityPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parametric case-selection policy: the retriever shortlists {@link Settings#candidates()} cases by vector
 * similarity, the {@link QNetwork} scores the shortlist in one batched forward pass, and K cases are drawn by
 * softmax over the Q-values with a temperature (greedy at 0), within the positive/negative quotas of the
 * {@link SimilarityPolicy}. The score of a selected case is its predicted success probability.
 *
 * <p>{@link #observe} only enqueues; a {@link BackgroundTrainer} thread turns episodes into replay examples, trains
 * on mini-batches and checkpoints. When the engine does not load or the checkpoint is refused, the policy delegates
 * to a {@link SimilarityPolicy} with the same shortlist and quotas ({@link Settings#similarity()}), does not learn
 * and leaves the checkpoint untouched; {@link #status()} says why.
 */
public final class LearnedPolicy implements CaseSelectionPolicy, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedPolicy.class);

    private final CaseRetriever retriever;
    private final CaseVectors vectors;
    private final Settings settings;
    private final QNetwork network;
    private final ReplayBuffer buffer;
    private final BackgroundTrainer trainer;
    private final String fallbackReason;
    private final SimilarityPolicy fallback;
    private final Random random;

    /**
     * The policy's configuration.
     *
     * @param candidates          shortlist size N asked from the retriever
     * @param temperature         softmax temperature over Q logits; 0 is greedy
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
     * @param seed                seed of the softmax draws and mini-batch sampling
     */
    public record Settings(int candidates, double temperature, int maxPositives, int maxNegatives, int hidden, float learningRate,
            int batchSize, int minExamples, int updatesPerExample, int replayCapacity, Path checkpointDirectory,
            Duration checkpointInterval, long seed) {
        public Settings {
            if (candidates < 1 || candidates > 10_000) {
                throw new IllegalArgumentException("candidates must be within [1, 10000], was " + candidates);
            }
            if (!(temperature >= 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("temperature must be finite and >= 0, was " + temperature);
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
        }

        /**
         * N = 64, temperature 0.5, no quotas (as {@link SimilarityPolicy.Settings#DEFAULT}), 128 hidden, Adam 1e-3,
         * batches of 32, two steps per example, checkpoints every 5 min.
         */
        public static Settings defaults(Path checkpointDirectory) {
            return new Settings(64, 0.5, 64, 64, 128, 1e-3f, 32, 32, 2, 50_000, checkpointDirectory,
                    Duration.ofMinutes(5), 42);
        }

        public Settings withTemperature(double temperature) {
            return new Settings(candidates, temperature, maxPositives, maxNegatives, hidden, learningRate, batchSize, minExamples,
                    updatesPerExample, replayCapacity, checkpointDirectory, checkpointInterval, seed);
        }

        public Settings withQuotas(int maxPositives, int maxNegatives) {
            return new Settings(candidates, temperature, maxPositives, maxNegatives, hidden, learningRate, batchSize,
                    minExamples, updatesPerExample, replayCapacity, checkpointDirectory, checkpointInterval, seed);
        }

        /** The similarity policy with the same shortlist and quotas: what this policy falls back to. */
        public SimilarityPolicy.Settings similarity() {
            return new SimilarityPolicy.Settings(maxPositives, maxNegatives, candidates, false);
        }

        public Settings withCandidates(int candidates) {
            return new Settings(candidates, temperature, maxPositives, maxNegatives, hidden, learningRate, batchSize, minExamples,
                    updatesPerExample, replayCapacity, checkpointDirectory, checkpointInterval, seed);
        }

        public Settings withTraining(int hidden, float learningRate, int batchSize, int minExamples,
                int updatesPerExample) {
            return new Settings(candidates, temperature, maxPositives, maxNegatives, hidden, learningRate, batchSize, minExamples,
                    updatesPerExample, replayCapacity, checkpointDirectory, checkpointInterval, seed);
        }

        public Settings withCheckpointInterval(Duration checkpointInterval) {
            return new Settings(candidates, temperature, maxPositives, maxNegatives, hidden, learningRate, batchSize, minExamples,
                    updatesPerExample, replayCapacity, checkpointDirectory, checkpointInterval, seed);
        }
    }

    /**
     * What the policy is doing.
     *
     * @param learning       false when it fell back to similarity
     * @param fallbackReason why it fell back; empty when learning
     */
    public record Status(boolean learning, String fallbackReason, long trainingSteps, int replayExamples) {
    }

    private LearnedPolicy(CaseRetriever retriever, CaseVectors vectors, Settings settings, QNetwork network,
            String embeddingModel, String fallbackReason, ReplayLog log, LongConsumer afterStep) {
        this.retriever = retriever;
        this.vectors = vectors;
        this.settings = settings;
        this.network = network;
        this.fallbackReason = fallbackReason;
        this.fallback = network == null ? new SimilarityPolicy(retriever, settings.similarity()) : null;
        this.random = new Random(settings.seed());
        this.buffer = new ReplayBuffer(settings.replayCapacity());
        if (network != null) {
            for (ReplayExample kept : log.recent(settings.replayCapacity())) {
                if (kept.caseVector().length == retriever.dimension()) {
                    buffer.add(kept);
                }
            }
        }
        this.trainer = network == null ? null
                : new BackgroundTrainer(network, buffer, vectors, settings, embeddingModel, log, afterStep);
    }

    /**
     * Opens the policy: loads the checkpoint from {@link Settings#checkpointDirectory()} when there is one, starts a
     * new network otherwise, and falls back to similarity (logged, in {@link #status()}) when the checkpoint is
     * refused or the engine does not load.
     */
    public static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel,
            Settings settings) {
        return open(retriever, vectors, embeddingModel, settings, ReplayLog.NONE, steps -> { });
    }

    /** As {@link #open(CaseRetriever, CaseVectors, String, Settings)}, keeping replay examples in {@code log}. */
    public static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel,
            Settings settings, ReplayLog log) {
        return open(retriever, vectors, embeddingModel, settings, log, steps -> { });
    }

    static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel, Settings settings,
            LongConsumer afterStep) {
        return open(retriever, vectors, embeddingModel, settings, ReplayLog.NONE, afterStep);
    }

    static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel, Settings settings,
            ReplayLog log, LongConsumer afterStep) {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(vectors, "vectors");
        Objects.requireNonNull(embeddingModel, "embeddingModel");
        QNetwork.Settings shape = new QNetwork.Settings(retriever.dimension(), settings.hidden(),
                settings.learningRate());
        try {
            QNetwork network = settings.checkpointDirectory() == null ? QNetwork.create(shape)
                    : Checkpoint.load(settings.checkpointDirectory(), embeddingModel, shape)
                            .orElseGet(() -> QNetwork.create(shape));
            LOG.info("learned policy: Q-network on {} with {} training steps", network.device(), network.steps());
            return new LearnedPolicy(retriever, vectors, settings, network, embeddingModel, "", log, afterStep);
        } catch (PolicyUnavailableException e) {
            LOG.warn("learned policy: {}; selecting by similarity instead", e.getMessage());
            return new LearnedPolicy(retriever, vectors, settings, null, embeddingModel, e.getMessage(), log,
                    afterStep);
        }
    }

    @Override
    public String name() {
        return "learned";
    }

    @Override
    public List<SelectedCase> select(SelectionRequest request) {
        if (fallback != null) {
            return fallback.select(request);
        }
        if (request.k() == 0) {
            return List.of();
        }
        List<ScoredCase> shortlist = retriever.search(
                new VectorQuery(request.state(), request.filter(), settings.candidates()));
        if (shortlist.isEmpty()) {
            return List.of();
        }
        List<Case> cases = shortlist.stream().map(ScoredCase::value).toList();
        float[] logits = network.score(features(request.state(), cases), cases.size());
        List<Candidate> byQ = new ArrayList<>(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            byQ.add(new Candidate(cases.get(i), logits[i]));
        }
        return SoftmaxChooser.choose(byQ, request.k(), settings.maxPositives(), settings.maxNegatives(),
                settings.temperature(), random).stream()
                .map(c -> new SelectedCase(c.candidate().value(), sigmoid(c.candidate().score()), c.role()))
                .toList();
    }

    private float[] features(float[] state, List<Case> cases) {
        List<float[]> caseVectors = vectors.vectors(cases);
        int width = PairFeatures.width(state.length);
        float[] features = new float[cases.size() * width];
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            PairFeatures.write(state, caseVectors.get(i), c.uses(), c.successes(), c.label(), features, i * width);
        }
        return features;
    }

    private static double sigmoid(double logit) {
        return 1 / (1 + Math.exp(-logit));
    }

    /** Queues the episode for the trainer and returns at once; ignored when the policy fell back to similarity. */
    @Override
    public void observe(float[] state, List<SelectedCase> selected, double reward) {
        if (trainer != null) {
            trainer.observe(state, selected, reward);
        }
    }

    /**
     * Waits until the trainer has taken in every observed episode and trained the steps they earned; false when
     * {@code timeout} passed first. For simulations and tests that run episodes faster than an LLM would.
     */
    public boolean awaitTrainingIdle(Duration timeout) throws InterruptedException {
        return trainer == null || trainer.awaitIdle(timeout);
    }

    public Status status() {
        return new Status(network != null, fallbackReason, network == null ? 0 : network.steps(), buffer.size());
    }

    /** Stops the trainer, saves a last checkpoint and frees the network. */
    @Override
    public void close() {
        if (trainer != null) {
            trainer.close();
            network.close();
        }
    }
}
