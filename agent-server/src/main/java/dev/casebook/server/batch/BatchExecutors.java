package dev.casebook.server.batch;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executors of one kind of batch run working on this instance, at most one per run, each on a virtual thread of
 * its own. Thread-safe.
 */
final class BatchExecutors {
    private static final Logger log = LoggerFactory.getLogger(BatchExecutors.class);

    private final String kind;
    private final Map<String, BatchExecutor<?>> active = new ConcurrentHashMap<>();

    /** @param kind what a run is called in thread names and logs, e.g. {@code eval-run} */
    public BatchExecutors(String kind) {
        this.kind = kind;
    }

    /** Starts working the run here unless this instance already does; {@code executor} is called only then. */
    public void start(String runId, Supplier<BatchExecutor<?>> executor) {
        active.computeIfAbsent(runId, id -> {
            BatchExecutor<?> created = executor.get();
            Thread.ofVirtual().name(kind + "-" + id).start(() -> {
                try {
                    created.run();
                } finally {
                    active.remove(id, created);
                }
            });
            return created;
        });
    }

    /** Asks the run's executor here to stop (its claims are given back); nothing when it does not run here. */
    public void stop(String runId) {
        BatchExecutor<?> executor = active.get(runId);
        if (executor != null) {
            executor.stop();
        }
    }

    /**
     * Interrupts the run's items that this instance lost ({@link BatchExecutor#interruptLost}); none when it does not
     * work the run.
     */
    public List<Integer> interruptLost(String runId, Set<Integer> held, long claimedBefore) {
        BatchExecutor<?> executor = active.get(runId);
        return executor == null ? List.of() : executor.interruptLost(held, claimedBefore);
    }

    /** The seqs of the run's items that run here now; none when this instance does not work the run. */
    public Set<Integer> working(String runId) {
        BatchExecutor<?> executor = active.get(runId);
        return executor == null ? Set.of() : executor.working();
    }

    /** The runs this instance works now. */
    public List<String> activeRunIds() {
        return List.copyOf(active.keySet());
    }

    public boolean active(String runId) {
        return active.containsKey(runId);
    }

    /** Waits until this instance no longer works the run; false when it still does after {@code timeout}. */
    public boolean awaitStopped(String runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (active.containsKey(runId)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Stops every executor and waits for them to give their claims back, before the database goes away with the rest
     * of the context (claims left behind would wait for this instance's next start).
     */
    public void stopAll(Duration timeout) {
        active.values().forEach(BatchExecutor::stop);
        for (String runId : List.copyOf(active.keySet())) {
            if (!awaitStopped(runId, timeout)) {
                log.warn("{} {} did not stop within {}; its claims are given back at the next start", kind, runId,
                        timeout);
            }
        }
    }
}
