package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.policy.CaseSelectionPolicy;
import dev.casebook.memory.policy.SelectedCase;
import dev.casebook.memory.policy.SelectionRequest;
import dev.casebook.memory.policy.SimilarityPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parametric case-selection policy: the retriever shortlists {@link PolicySettings#candidates()} cases
 * by vector similarity, the {@link QNetwork} scores the shortlist in one batched forward pass, and K cases are drawn
 * by softmax with a temperature (greedy at 0) over {@code Q + similarityWeight · z}, where {@code z} is the case's
 * cosine similarity standardised over the shortlist, within the positive/negative quotas of the
 * {@link SimilarityPolicy}. The similarity term is a reference policy that Q moves away from where rewards say so
 * (soft Q-learning regularised towards the similarity policy): an untrained network (Q = 0 everywhere) selects
 * exactly like the similarity policy at temperature 0, and cases Q cannot tell apart stay ranked by similarity. The
 * score of a selected case is its predicted success probability.
 *
 * <p>{@link #observe} hands the episode to the trainer ({@link TrainingMode}): a {@link BackgroundTrainer} thread
 * (the server; {@code observe} only enqueues) or the caller's thread (simulations and tests), which turns it into
 * replay examples, trains on mini-batches and checkpoints. When the engine does not load or the checkpoint is
 * refused, the policy delegates to a {@link SimilarityPolicy} with the same shortlist and quotas
 * ({@link PolicySettings#similarity()}), does not learn and leaves the checkpoint untouched;
 * {@link #status()} says why.
 */
public final class LearnedPolicy implements CaseSelectionPolicy, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LearnedPolicy.class);

    private final CaseRetriever retriever;
    private final CaseVectors vectors;
    private final PolicySettings settings;
    private final QNetwork network;
    private final ReplayBuffer buffer;
    private final ReplayLog log;
    private final PolicyTrainer trainer;
    private final String fallbackReason;
    private final SimilarityPolicy fallback;
    private final Random random;
    private final Shortlister shortlister;
    /**
     * For {@link Credit#CASE_IPW}: the inclusion propensities of recent selections, by state and cases shown, until
     * their reward is observed. Bounded; a reward whose selection is not remembered (a restart, a very late reward)
     * trains with propensity 1.
     */
    private final Map<String, double[]> propensitiesBySelection = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > 10_000;
        }
    };

    /** Where training runs. */
    public enum TrainingMode {
        /** One daemon thread trains; {@link #observe} only enqueues. What a server uses. */
        BACKGROUND,
        /**
         * {@link #observe} trains the steps the episode earned before it returns, in the caller's thread: a run is a
         * deterministic function of its seed. For simulations and tests.
         */
        INLINE
    }

    /**
     * What the policy is doing.
     *
     * @param learning       false when it fell back to similarity
     * @param fallbackReason why it fell back; empty when learning
     */
    public record Status(boolean learning, String fallbackReason, long trainingSteps, int replayExamples) {
    }

    private LearnedPolicy(CaseRetriever retriever, CaseVectors vectors, PolicySettings settings,
            QNetwork network, String embeddingModel, String fallbackReason, ReplayLog log, LongConsumer afterStep) {
        this.retriever = retriever;
        this.vectors = vectors;
        this.settings = settings;
        this.network = network;
        this.fallbackReason = fallbackReason;
        this.fallback = network == null ? new SimilarityPolicy(retriever, settings.similarity()) : null;
        this.random = new Random(settings.seed());
        this.buffer = new ReplayBuffer(settings.replayCapacity());
        this.shortlister = new Shortlister(retriever, settings, buffer);
        this.log = log;
        if (network != null) {
            for (ReplayExample kept : log.recent(settings.replayCapacity())) {
                if (kept.caseVector().length == retriever.dimension()) {
                    buffer.add(kept);
                }
            }
        }
        if (network == null) {
            this.trainer = null;
        } else {
            ReplayTrainer core = new ReplayTrainer(network, buffer, vectors, settings, embeddingModel, log,
                    afterStep);
            this.trainer = switch (settings.trainingMode()) {
                case BACKGROUND -> new BackgroundTrainer(core);
                case INLINE -> new InlineTrainer(core);
            };
        }
    }

    /**
     * Opens the policy: loads the checkpoint from {@link PolicySettings#checkpointDirectory()} when there is
     * one, starts a new network otherwise, and falls back to similarity (logged, in {@link #status()}) when the
     * checkpoint is refused or the engine does not load.
     */
    public static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel,
            PolicySettings settings) {
        return open(retriever, vectors, embeddingModel, settings, ReplayLog.NONE, steps -> { });
    }

    /**
     * As {@link #open(CaseRetriever, CaseVectors, String, PolicySettings)}, keeping replay examples in
     * {@code log}.
     */
    public static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel,
            PolicySettings settings, ReplayLog log) {
        return open(retriever, vectors, embeddingModel, settings, log, steps -> { });
    }

    static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel,
            PolicySettings settings, LongConsumer afterStep) {
        return open(retriever, vectors, embeddingModel, settings, ReplayLog.NONE, afterStep);
    }

    static LearnedPolicy open(CaseRetriever retriever, CaseVectors vectors, String embeddingModel,
            PolicySettings settings, ReplayLog log, LongConsumer afterStep) {
        Objects.requireNonNull(retriever, "retriever");
        Objects.requireNonNull(vectors, "vectors");
        Objects.requireNonNull(embeddingModel, "embeddingModel");
        QNetwork.Settings shape = new QNetwork.Settings(retriever.dimension(), settings.hidden(),
                settings.learningRate());
        try {
            QNetwork network = settings.checkpointDirectory() == null ? QNetwork.create(shape, settings.seed())
                    : Checkpoint.load(settings.checkpointDirectory(), embeddingModel, shape)
                            .orElseGet(() -> QNetwork.create(shape, settings.seed()));
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
        List<Case> cases = shortlist(request.state(), request.filter());
        if (cases.isEmpty()) {
            return List.of();
        }
        List<float[]> caseVectors = vectors.vectors(cases);
        float[] features = Shortlister.features(request.state(), cases, caseVectors);
        float[] logits = network.score(features, cases.size());
        double[] prior = SimilarityPrior.of(features, request.state().length, cases,
                request.syntheticPrior(), settings.similarityWeight());
        ShortlistSelector selector = shortlister.selector(request.state(), cases, caseVectors, logits, prior);
        List<SoftmaxChooser.Chosen> chosen = selector.select(request.k(), request.maxProvisional(), random);
        if (settings.credit() == Credit.CASE_IPW) {
            Random replay = new Random(random.nextLong());
            Map<Case, Double> propensities = InclusionPropensities.estimate(cases,
                    () -> selector.select(request.k(), request.maxProvisional(), replay).stream()
                            .map(c -> c.candidate().value()).toList(),
                    InclusionPropensities.DRAWS);
            List<Case> shown = chosen.stream().map(c -> c.candidate().value()).toList();
            remember(request.state(), shown, shown.stream().mapToDouble(propensities::get).toArray());
        }
        Map<Case, Double> value = new IdentityHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            value.put(cases.get(i), selector.value(i));
        }
        return chosen.stream()
                .map(c -> new SelectedCase(c.candidate().value(), value.get(c.candidate().value()), c.role()))
                .toList();
    }

    /**
     * The cases this policy chooses from for {@code state}: the store's {@link PolicySettings#candidates()}
     * most similar cases the filter admits, refuted ones left out (as in the similarity policy), then, with
     * {@link LocalEvidence#addedCandidates()}, the cases that succeeded on tasks near this one (by kernel-weighted
     * successes among the replay buffer's newest examples) that the store's shortlist missed.
     */
    public List<Case> shortlist(float[] state, CaseFilter filter) {
        return shortlister.shortlist(state, filter, network != null);
    }


    /**
     * For off-policy evaluation: the probability that this policy, as it is now, shows exactly the cases
     * {@code shown} (in any order) when it selects {@code k} cases for {@code state} from {@code shortlist} (a
     * shortlist as the store returned it, with the counts of that time). Estimated by repeating the selection
     * {@code draws} times with a generator seeded by {@code seed}; the policy's own generator is not touched, so
     * evaluating does not change what it selects next.
     *
     * @throws IllegalStateException when the policy fell back to similarity
     */
    public double selectionProbability(float[] state, List<Case> shortlist, int k, Set<UUID> shown, int draws,
            long seed) {
        if (network == null) {
            throw new IllegalStateException("the learned policy fell back to similarity: " + fallbackReason);
        }
        if (shortlist.isEmpty()) {
            return shown.isEmpty() ? 1 : 0;
        }
        List<float[]> caseVectors = vectors.vectors(shortlist);
        float[] features = Shortlister.features(state, shortlist, caseVectors);
        ShortlistSelector selector = shortlister.selector(state, shortlist, caseVectors,
                network.score(features, shortlist.size()),
                SimilarityPrior.of(features, state.length, shortlist.size(), settings.similarityWeight()));
        Random replay = new Random(seed);
        int hits = 0;
        for (int i = 0; i < draws; i++) {
            Set<UUID> drawn = new HashSet<>();
            for (SoftmaxChooser.Chosen c : selector.select(k, replay)) {
                drawn.add(c.candidate().value().id());
            }
            hits += drawn.equals(shown) ? 1 : 0;
        }
        return hits / (double) draws;
    }

    private void remember(float[] state, List<Case> shown, double[] propensities) {
        synchronized (propensitiesBySelection) {
            propensitiesBySelection.put(selectionKey(state, shown), propensities);
        }
    }

    private double[] propensities(float[] state, List<SelectedCase> selected) {
        List<Case> shown = selected.stream().map(SelectedCase::value).toList();
        double[] remembered;
        synchronized (propensitiesBySelection) {
            remembered = propensitiesBySelection.remove(selectionKey(state, shown));
        }
        if (remembered != null && remembered.length == shown.size()) {
            return remembered;
        }
        double[] unknown = new double[shown.size()];
        Arrays.fill(unknown, 1);
        return unknown;
    }

    private static String selectionKey(float[] state, List<Case> shown) {
        StringBuilder key = new StringBuilder(Integer.toHexString(Arrays.hashCode(state)));
        for (Case c : shown) {
            key.append(':').append(c.id());
        }
        return key.toString();
    }

    /**
     * Takes in the episode's reward; ignored when the policy fell back to similarity. {@code selected} must carry
     * the cases as {@link #select} returned them: their counts and labels are the features the network saw. In
     * {@link TrainingMode#BACKGROUND} this only enqueues and returns at once.
     */
    @Override
    public void observe(float[] state, List<SelectedCase> selected, double reward) {
        observe(state, selected, reward, 1);
    }

    /**
     * As {@link #observe(float[], List, double)}; each of the episode's replay examples carries {@code weight}
     * (its loss is multiplied by it), and an episode of weight 0 is dropped: no example, no training step.
     */
    @Override
    public void observe(float[] state, List<SelectedCase> selected, double reward, double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("weight must be within [0, 1], was " + weight);
        }
        if (trainer != null && !selected.isEmpty() && weight > 0) {
            trainer.observe(new PolicyTrainer.Observation(state, selected, reward, propensities(state, selected),
                    weight));
        }
    }

    /**
     * Waits until the trainer has taken in every observed episode and trained the steps they earned; false when
     * {@code timeout} passed first. For simulations and tests that run episodes faster than an LLM would.
     */
    public boolean awaitTrainingIdle(Duration timeout) throws InterruptedException {
        return trainer == null || trainer.awaitIdle(timeout);
    }

    /**
     * Forgets a tenant's replay examples: removed from the buffer and deleted from the {@link ReplayLog}, so no
     * later training step uses them. The network keeps what it already learned from them (delete the checkpoint to
     * drop that too). Returns how many examples the log deleted.
     */
    public int forget(String tenant) {
        buffer.removeTenant(tenant);
        return log.deleteTenant(tenant);
    }

    public PolicySettings settings() {
        return settings;
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
