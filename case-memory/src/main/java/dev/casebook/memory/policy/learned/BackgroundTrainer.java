package dev.casebook.memory.policy.learned;

import dev.casebook.memory.Case;
import dev.casebook.memory.policy.SelectedCase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that turns rewarded episodes into replay examples and trains the Q-network on mini-batches
 * drawn from the replay buffer, {@code updatesPerExample} steps per new example, and saves checkpoints every
 * {@code checkpointInterval} and on {@link #close}. Callers only enqueue: nothing here runs on a task's thread.
 */
final class BackgroundTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTrainer.class);
    private static final int MAX_BACKLOG = 10_000;
    private static final Observation STOP = new Observation(new float[1], List.of(), 0);

    private final QNetwork network;
    private final ReplayBuffer buffer;
    private final CaseVectors vectors;
    private final LearnedPolicy.Settings settings;
    private final String embeddingModel;
    private final LongConsumer afterStep;
    private final ReplayLog log;
    private final BlockingQueue<Observation> pending = new LinkedBlockingQueue<>();
    private final Random random;
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private volatile long admitted;
    private volatile boolean closed;
    private volatile long budget;
    private long savedSteps;
    private long lastSave = System.nanoTime();

    private record Observation(float[] state, List<SelectedCase> selected, double reward) {
    }

    BackgroundTrainer(QNetwork network, ReplayBuffer buffer, CaseVectors vectors, LearnedPolicy.Settings settings,
            String embeddingModel, ReplayLog log, LongConsumer afterStep) {
        this.log = log;
        this.network = network;
        this.buffer = buffer;
        this.vectors = vectors;
        this.settings = settings;
        this.embeddingModel = embeddingModel;
        this.afterStep = afterStep;
        this.random = new Random(settings.seed() ^ 0x5eed);
        this.savedSteps = network.steps();
        this.thread = Thread.ofPlatform().daemon().name("casebook-q-trainer").unstarted(this::run);
        thread.start();
    }

    /** Queues an episode's outcome; returns at once. */
    void observe(float[] state, List<SelectedCase> selected, double reward) {
        if (!closed && !selected.isEmpty()) {
            submitted.incrementAndGet();
            pending.add(new Observation(state.clone(), List.copyOf(selected), reward));
        }
    }

    private void run() {
        List<Observation> drained = new ArrayList<>();
        while (!closed) {
            try {
                if (budget > 0 && buffer.size() >= settings.minExamples()) {
                    pending.drainTo(drained);
                } else {
                    Observation first = pending.poll(checkpointWait(), TimeUnit.MILLISECONDS);
                    if (first != null) {
                        drained.add(first);
                        pending.drainTo(drained);
                    }
                }
                admit(drained);
                drained.clear();
                if (closed) {
                    break;
                }
                if (budget > 0 && buffer.size() >= settings.minExamples()) {
                    trainOneBatch();
                }
                if (checkpointDue()) {
                    save();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("learned policy: a training step failed; continuing", e);
            }
        }
    }

    private void admit(List<Observation> observations) {
        for (Observation o : observations) {
            if (o == STOP) {
                continue;
            }
            try {
                List<Case> cases = o.selected().stream().map(SelectedCase::value).toList();
                List<float[]> caseVectors = vectors.vectors(cases);
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    ReplayExample example = new ReplayExample(o.state(), c.id(), caseVectors.get(i), c.uses(),
                            c.successes(), c.label(), o.reward() >= 0.5 ? 1.0 : 0.0);
                    buffer.add(example);
                    keep(example);
                    budget = Math.min(MAX_BACKLOG, budget + settings.updatesPerExample());
                }
            } catch (RuntimeException e) {
                LOG.error("learned policy: an observed episode could not become replay examples; dropped", e);
            } finally {
                admitted++;
            }
        }
    }

    private void keep(ReplayExample example) {
        try {
            log.append(example);
        } catch (RuntimeException e) {
            LOG.warn("learned policy: a replay example could not be persisted; it stays in memory only", e);
        }
    }

    private void trainOneBatch() {
        List<ReplayExample> batch = buffer.sample(settings.batchSize(), random);
        int width = network.settings().width();
        float[] features = new float[batch.size() * width];
        float[] rewards = new float[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).writeFeatures(features, i * width);
            rewards[i] = (float) batch.get(i).reward();
        }
        network.train(features, rewards, batch.size());
        budget--;
        afterStep.accept(network.steps());
    }

    private long checkpointWait() {
        return settings.checkpointDirectory() == null ? 1000 : Math.max(1, Math.min(1000,
                settings.checkpointInterval().toMillis()));
    }

    private boolean checkpointDue() {
        return settings.checkpointDirectory() != null && network.steps() != savedSteps
                && System.nanoTime() - lastSave >= settings.checkpointInterval().toNanos();
    }

    private synchronized void save() {
        Path dir = settings.checkpointDirectory();
        if (dir == null || network.steps() == savedSteps) {
            return;
        }
        Checkpoint.Header header = Checkpoint.save(network, embeddingModel, dir);
        savedSteps = header.steps();
        lastSave = System.nanoTime();
        LOG.debug("learned policy: checkpoint saved at {} steps in {}", header.steps(), dir);
    }

    /**
     * Waits until every observed episode is in the replay buffer and the training it earned is done (or cannot start
     * yet for want of examples); false when {@code timeout} passed first.
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (admitted < submitted.get() || (budget > 0 && buffer.size() >= settings.minExamples())) {
            if (closed || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Stops the thread (after the step in progress), then saves a last checkpoint. */
    @Override
    public void close() {
        closed = true;
        pending.add(STOP);
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("learned policy: the trainer did not stop within 30 s; the last checkpoint is not saved");
            return;
        }
        save();
    }
}
