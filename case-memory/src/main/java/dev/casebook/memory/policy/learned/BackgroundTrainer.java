package dev.casebook.memory.policy.learned;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs a {@link ReplayTrainer}: it takes in queued episodes, trains the steps they earned one
 * mini-batch at a time, and saves checkpoints every {@code checkpointInterval} and on {@link #close}. Callers only
 * enqueue: nothing here runs on a task's thread.
 */
final class BackgroundTrainer implements PolicyTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTrainer.class);
    private static final Observation STOP = new Observation(new float[1], List.of(), 0, new double[0]);

    private final ReplayTrainer core;
    private final BlockingQueue<Observation> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong submitted = new AtomicLong();
    private volatile long admitted;
    private volatile boolean closed;

    BackgroundTrainer(ReplayTrainer core) {
        this.core = core;
        this.thread = Thread.ofPlatform().daemon().name("casebook-q-trainer").unstarted(this::run);
        thread.start();
    }

    /** Queues an episode's outcome; returns at once. */
    @Override
    public void observe(Observation observation) {
        if (!closed && !observation.selected().isEmpty()) {
            submitted.incrementAndGet();
            pending.add(observation);
        }
    }

    private void run() {
        List<Observation> drained = new ArrayList<>();
        while (!closed) {
            try {
                if (core.canTrain()) {
                    pending.drainTo(drained);
                } else {
                    Observation first = pending.poll(core.checkpointWaitMillis(), TimeUnit.MILLISECONDS);
                    if (first != null) {
                        drained.add(first);
                        pending.drainTo(drained);
                    }
                }
                for (Observation o : drained) {
                    if (o != STOP) {
                        core.admit(o);
                        admitted++;
                    }
                }
                drained.clear();
                if (closed) {
                    break;
                }
                if (core.canTrain()) {
                    core.trainOneBatch();
                }
                core.saveIfDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("learned policy: the trainer failed; continuing", e);
            }
        }
    }

    /**
     * Waits until every observed episode is in the replay buffer and the training it earned is done (or cannot start
     * yet for want of examples); false when {@code timeout} passed first.
     */
    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (admitted < submitted.get() || core.canTrain()) {
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
        core.save();
    }
}
