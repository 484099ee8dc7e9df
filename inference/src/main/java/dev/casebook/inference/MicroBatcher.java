package dev.casebook.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A queue shared by all callers of one model that runs their items in batches: a worker takes the first waiting
 * item, then whatever else arrives within {@link Settings#window()} (up to {@link Settings#maxBatch()} items), runs
 * them through the batch function in one call, and hands every caller its own results in the order of its items.
 * Items of many concurrent callers share a batch; a caller with many items has them split over batches.
 *
 * <p>The wait is bounded: a caller whose results are not ready within {@link Settings#maxWait()} gets a retryable
 * {@link InferenceException} and its items that did not start are dropped from the queue. A failing batch fails
 * the callers with items in it, and only them. Thread-safe.
 *
 * @param <I> an item (for the sentence encoder: one token sequence)
 * @param <O> its result
 */
public final class MicroBatcher<I, O> implements AutoCloseable {

    /**
     * How batches are formed.
     *
     * @param window   how long a worker waits for more items after the first one of a batch; zero runs what is
     *                 queued at once
     * @param maxBatch most items in one batch
     * @param maxWait  longest a caller waits for its results
     * @param workers  threads taking batches off the queue
     */
    public record Settings(Duration window, int maxBatch, Duration maxWait, int workers) {
        /**
         * No batch window, batches of at most 8, a minute's wait, one worker per core up to 4: what suits the
         * sentence encoder, whose batches are units of work rather than shared forward passes (see
         * {@link dev.casebook.inference.embedding.SentenceEncoder}).
         */
        public static final Settings DEFAULT = new Settings(Duration.ZERO, 8, Duration.ofSeconds(60),
                Math.clamp(Runtime.getRuntime().availableProcessors(), 1, 4));

        public Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(maxWait, "maxWait");
            if (window.isNegative() || window.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("batch window must be within [0, 1s], was " + window);
            }
            if (maxBatch < 1 || maxBatch > 4096) {
                throw new IllegalArgumentException("maxBatch must be within [1, 4096], was " + maxBatch);
            }
            if (maxWait.isNegative() || maxWait.isZero()) {
                throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
            }
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be within [1, 64], was " + workers);
            }
        }
    }

    private record Pending<I, O>(I item, CompletableFuture<O> result) {
    }

    private final String name;
    private final Settings settings;
    private final Function<List<I>, List<O>> batchFunction;
    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param name          names the worker threads and the errors
     * @param batchFunction runs one batch: returns one result per item, in order
     */
    public MicroBatcher(String name, Settings settings, Function<List<I>, List<O>> batchFunction) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.batchFunction = Objects.requireNonNull(batchFunction, "batchFunction");
        for (int i = 0; i < settings.workers(); i++) {
            Thread worker = Thread.ofPlatform().daemon().name(name + "-batcher-" + i).unstarted(this::work);
            workers.add(worker);
            worker.start();
        }
    }

    public Settings settings() {
        return settings;
    }

    /** Items waiting for a batch (not counting those of the batches running). */
    public int queued() {
        return queue.size();
    }

    /** The results of {@code items}, in order; blocks until they are ready or {@link Settings#maxWait()} passed. */
    public List<O> process(List<I> items) {
        Objects.requireNonNull(items, "items");
        if (items.isEmpty()) {
            return List.of();
        }
        if (closed) {
            throw closedException();
        }
        List<Pending<I, O>> pending = new ArrayList<>(items.size());
        for (I item : items) {
            pending.add(new Pending<>(Objects.requireNonNull(item, "item"), new CompletableFuture<>()));
        }
        queue.addAll(pending);
        long deadline = System.nanoTime() + settings.maxWait().toNanos();
        List<O> results = new ArrayList<>(items.size());
        try {
            for (Pending<I, O> p : pending) {
                results.add(p.result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } catch (TimeoutException e) {
            abandon(pending);
            throw new InferenceException(name + ": no result within " + settings.maxWait() + " (" + queue.size()
                    + " items queued)", true, e);
        } catch (InterruptedException e) {
            abandon(pending);
            Thread.currentThread().interrupt();
            throw new InferenceException(name + ": interrupted while waiting for a batch", true, e);
        } catch (ExecutionException e) {
            abandon(pending);
            if (e.getCause() instanceof InferenceException failure) {
                throw failure;
            }
            throw new InferenceException(name + ": a batch failed: " + e.getCause(), false, e.getCause());
        } catch (CancellationException e) {
            throw closedException();
        }
    }

    private void abandon(List<Pending<I, O>> pending) {
        queue.removeAll(pending);
    }

    private void work() {
        List<Pending<I, O>> batch = new ArrayList<>(settings.maxBatch());
        while (!closed) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                fill(batch);
                run(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
    }

    /** Adds what is queued, then what arrives within the window, up to the batch size. */
    private void fill(List<Pending<I, O>> batch) throws InterruptedException {
        queue.drainTo(batch, settings.maxBatch() - batch.size());
        long deadline = System.nanoTime() + settings.window().toNanos();
        while (batch.size() < settings.maxBatch()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Pending<I, O> next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, settings.maxBatch() - batch.size());
        }
    }

    private void run(List<Pending<I, O>> batch) {
        List<I> items = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) {
            items.add(p.item());
        }
        List<O> results;
        try {
            results = batchFunction.apply(items);
            if (results == null || results.size() != items.size()) {
                throw new InferenceException(name + ": a batch of " + items.size() + " items gave "
                        + (results == null ? "no" : results.size()) + " results", false, null);
            }
        } catch (RuntimeException | Error e) {
            for (Pending<I, O> p : batch) {
                p.result().completeExceptionally(e);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    private InferenceException closedException() {
        return new InferenceException(name + " is closed", false, null);
    }

    /** Stops the workers; callers still waiting fail. */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            worker.interrupt();
        }
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Pending<I, O> p = queue.poll(); p != null; p = queue.poll()) {
            p.result().cancel(false);
        }
    }
}
