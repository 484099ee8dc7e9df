package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import dev.casebook.memory.policy.SelectedCase;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What training does, whichever thread runs it: turns an observed episode into one {@link ReplayExample} per
 * selected case, carrying the episode's weight (kept in the {@link ReplayBuffer} and the {@link ReplayLog}); each
 * example's loss is multiplied by its weight (a batch of unit weights trains exactly as before); earns
 * {@code updatesPerExample}
 * mini-batch steps per example once the buffer holds {@code minExamples}, trains them, and checkpoints. Confined to
 * one thread at a time.
 */
final class ReplayTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayTrainer.class);
    private static final int MAX_BACKLOG = 10_000;

    private final QNetwork network;
    private final ReplayBuffer buffer;
    private final CaseVectors vectors;
    private final PolicySettings settings;
    private final String embeddingModel;
    private final ReplayLog log;
    private final LongConsumer afterStep;
    private final Random random;
    private volatile long budget;
    private long episodes;
    private long savedSteps;
    private long lastSave = System.nanoTime();

    ReplayTrainer(QNetwork network, ReplayBuffer buffer, CaseVectors vectors, PolicySettings settings,
            String embeddingModel, ReplayLog log, LongConsumer afterStep) {
        this.network = network;
        this.buffer = buffer;
        this.vectors = vectors;
        this.settings = settings;
        this.embeddingModel = embeddingModel;
        this.log = log;
        this.afterStep = afterStep;
        this.random = new Random(settings.seed() ^ 0x5eed);
        this.savedSteps = network.steps();
    }

    /** Adds the episode's examples and earns their steps; an episode that cannot become examples is logged. */
    void admit(PolicyTrainer.Observation o) {
        try {
            List<Case> cases = o.selected().stream().map(SelectedCase::value).toList();
            List<float[]> caseVectors = vectors.vectors(cases);
            long episode = episodes++;
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                ReplayExample example = new ReplayExample(c.tenant(), o.state(), c.id(), caseVectors.get(i),
                        c.uses(), c.successes(), c.label(), o.reward() >= 0.5 ? 1.0 : 0.0, episode,
                        Math.clamp(o.propensities()[i], Double.MIN_NORMAL, 1), c.source(), c.confirmed(),
                        o.weight());
                buffer.add(example);
                keep(example);
                budget = Math.min(MAX_BACKLOG, budget + settings.updatesPerExample());
            }
        } catch (RuntimeException e) {
            LOG.error("learned policy: an observed episode could not become replay examples; dropped", e);
        }
    }

    private void keep(ReplayExample example) {
        try {
            log.append(example);
        } catch (RuntimeException e) {
            LOG.warn("learned policy: a replay example could not be persisted; it stays in memory only", e);
        }
    }

    /** True while earned steps are left and the buffer holds enough examples to train. */
    boolean canTrain() {
        return budget > 0 && buffer.size() >= settings.minExamples();
    }

    /** One mini-batch step; a failed step is logged and still spends its budget. */
    void trainOneBatch() {
        budget--;
        try {
            switch (settings.credit()) {
                case CASE -> trainCases(false);
                case CASE_IPW -> trainCases(true);
                case SLATE -> trainEpisodes();
            }
        } catch (RuntimeException e) {
            LOG.error("learned policy: a training step failed; continuing", e);
            return;
        }
        afterStep.accept(network.steps());
    }

    private void trainCases(boolean inversePropensity) {
        List<ReplayExample> batch = buffer.sample(settings.batchSize(), random);
        int width = network.settings().width();
        float[] features = new float[batch.size() * width];
        float[] rewards = new float[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).writeFeatures(features, i * width);
            rewards[i] = (float) batch.get(i).reward();
        }
        boolean unitWeights = batch.stream().allMatch(e -> e.weight() == 1);
        if (!inversePropensity && unitWeights) {
            network.train(features, rewards, batch.size());
            return;
        }
        float[] weights = inversePropensity ? inversePropensityWeights(batch) : new float[batch.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) ((inversePropensity ? weights[i] : 1) * batch.get(i).weight());
        }
        network.step(features, batch.size(),
                (manager, logits) -> CreditLoss.weightedCrossEntropy(manager, logits, rewards, weights));
    }

    /** {@code min(clip, 1 / propensity)}, normalised to mean 1 over the batch. */
    static float[] inversePropensityWeights(List<ReplayExample> batch) {
        float[] weights = new float[batch.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) Math.min(Credit.IPW_CLIP, 1 / batch.get(i).propensity());
            total += weights[i];
        }
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (weights[i] * weights.length / total);
        }
        return weights;
    }

    private void trainEpisodes() {
        List<List<ReplayExample>> episodes = buffer.sampleEpisodes(settings.batchSize(), random);
        int rows = episodes.stream().mapToInt(List::size).sum();
        int width = network.settings().width();
        float[] features = new float[rows * width];
        float[] membership = new float[episodes.size() * rows];
        float[] rewards = new float[episodes.size()];
        float[] weights = new float[episodes.size()];
        int row = 0;
        for (int e = 0; e < episodes.size(); e++) {
            for (ReplayExample example : episodes.get(e)) {
                example.writeFeatures(features, row * width);
                membership[e * rows + row] = 1;
                row++;
            }
            rewards[e] = (float) episodes.get(e).getFirst().reward();
            weights[e] = (float) episodes.get(e).getFirst().weight();
        }
        network.step(features, rows,
                (manager, logits) -> CreditLoss.noisyOr(manager, logits, membership, rewards, weights));
    }

    /** Trains every step earned so far. */
    void trainEarnedSteps() {
        while (canTrain()) {
            trainOneBatch();
        }
    }

    /** How long a waiting trainer may sleep before a checkpoint can be due. */
    long checkpointWaitMillis() {
        return settings.checkpointDirectory() == null ? 1000 : Math.max(1, Math.min(1000,
                settings.checkpointInterval().toMillis()));
    }

    /** Saves a checkpoint when one is due: new steps and {@code checkpointInterval} since the last. */
    void saveIfDue() {
        if (settings.checkpointDirectory() != null && network.steps() != savedSteps
                && System.nanoTime() - lastSave >= settings.checkpointInterval().toNanos()) {
            try {
                save();
            } catch (RuntimeException e) {
                LOG.error("learned policy: a checkpoint could not be saved; training goes on", e);
            }
        }
    }

    /** Saves a checkpoint when there is a directory and steps since the last one. */
    void save() {
        Path dir = settings.checkpointDirectory();
        if (dir == null || network.steps() == savedSteps) {
            return;
        }
        Checkpoint.Header header = Checkpoint.save(network, embeddingModel, dir);
        savedSteps = header.steps();
        lastSave = System.nanoTime();
        LOG.debug("learned policy: checkpoint saved at {} steps in {}", header.steps(), dir);
    }
}
