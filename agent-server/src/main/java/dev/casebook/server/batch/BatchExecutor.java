package dev.casebook.server.batch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one batch run on this instance: claims items (at most {@link #prepare() concurrency} at once, as many as
 * there are free slots in one claim, each item on a virtual thread), and completes the run when no item is pending
 * or running anywhere. Stopping it (cancel, shutdown) interrupts the running items and gives their claims back, so
 * they run again later; a subclass writes an item's results through {@link #record}, which skips them once the run
 * is being stopped and is never interrupted halfway.
 *
 * @param <I> an item as the subclass reads it when claimed
 */
public abstract class BatchExecutor<I extends BatchExecutor.Item> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(BatchExecutor.class);

    protected final String runId;
    protected final String instance;
    protected final Clock clock;
    private final BatchTables tables;
    private final String kind;
    /** Items hold it (shared) while they write; a stop takes it (exclusive) before it interrupts them. */
    private final ReentrantReadWriteLock writing = new ReentrantReadWriteLock();
    private volatile boolean stopped;
    private volatile Thread thread;
    /** The items running here by seq: their threads and when they were claimed ({@link System#nanoTime}). */
    private final Map<Integer, Running> running = new ConcurrentHashMap<>();

    private record Running(Thread thread, long claimedAt) {
    }

    /** A run's item as a subclass reads it: {@code seq} is its key within the run. */
    public interface Item {
        int seq();
    }

    /** @param kind what a run is called in logs, e.g. {@code evaluation run} */
    protected BatchExecutor(String kind, String runId, BatchTables tables, String instance, Clock clock) {
        this.kind = kind;
        this.runId = runId;
        this.tables = tables;
        this.instance = instance;
        this.clock = clock;
    }

    /**
     * Called once the run is marked running, before the first claim: reads what the items need.
     *
     * @return how many items may run at once
     */
    protected abstract int prepare();

    /**
     * Why the run must end before its pending items (a {@link TokenBudget} spent), checked before every claim; null
     * to go on. Then the items under way finish and the run completes with this reason as its {@code error}.
     */
    protected String exhausted() {
        return null;
    }

    /** Claims up to {@code limit} items for this instance ({@link BatchTables#claim}) and reads them. */
    protected abstract List<I> claim(int limit);

    /** Works one claimed item and records it, unless {@link #stopped()} by then. Runs on its own virtual thread. */
    protected abstract void execute(I item);

    /**
     * The id of the task an item's episode is recorded as: the same every time the item runs, so that a run again
     * after a stop (its answer's case already written, its record not) rewrites that one case and counts no use of
     * the cases it was shown twice, and its task record replaces the earlier one.
     */
    public static String itemTaskId(String runId, int seq) {
        return UUID.nameUUIDFromBytes(("casebook-item:" + runId + ":" + seq).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** True once the run is being stopped here or this item's thread was interrupted: record nothing more. */
    protected final boolean stopped() {
        return stopped || Thread.currentThread().isInterrupted();
    }

    /**
     * Runs an item's writes (its record, its rewards) unless the run is being stopped, and returns whether they ran.
     * A stop waits for writes under way before it interrupts the items, so no write is torn by an interrupt (which can
     * close a database connection) and no item is left half recorded.
     */
    protected final boolean record(Runnable writes) {
        writing.readLock().lock();
        try {
            if (stopped()) {
                return false;
            }
            writes.run();
            return true;
        } finally {
            writing.readLock().unlock();
        }
    }

    /**
     * Interrupts the items running here that were claimed before {@code claimedBefore} ({@link System#nanoTime}) and
     * whose claims no longer stand: {@code held} are the seqs this instance still holds. Another instance took those
     * items back after this one failed to renew its lease (a pause, the database out of reach), so they must record
     * nothing more here; an item's writes under way finish first, as for a stop. Returns the seqs interrupted.
     */
    public final List<Integer> interruptLost(Set<Integer> held, long claimedBefore) {
        List<Integer> lost = new ArrayList<>();
        running.forEach((seq, item) -> {
            if (item.claimedAt() < claimedBefore && !held.contains(seq)) {
                lost.add(seq);
            }
        });
        if (!lost.isEmpty()) {
            writing.writeLock().lock();
            try {
                for (Integer seq : lost) {
                    Running item = running.get(seq);
                    if (item != null) {
                        item.thread().interrupt();
                    }
                }
            } finally {
                writing.writeLock().unlock();
            }
        }
        return lost;
    }

    /**
     * Waits until every item thread of this run has returned (they hold the other slots). An item is done when
     * recorded, but its thread may still write after that (a reward to case memory): a run completes only then.
     */
    private static void awaitItems(Semaphore slots, int capacity) throws InterruptedException {
        slots.acquire(capacity);
        slots.release(capacity);
    }

    public final void stop() {
        stopped = true;
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    @Override
    public final void run() {
        thread = Thread.currentThread();
        if (!tables.start(runId, clock.instant())) {
            return;
        }
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            int capacity = prepare();
            Semaphore slots = new Semaphore(capacity);
            while (!stopped) {
                slots.acquire();
                int free = 1 + slots.drainPermits(); // claim as many items as there are free slots, in one go
                if (stopped || tables.status(runId) != RunStatus.RUNNING) {
                    slots.release(free);
                    break;
                }
                String exhausted = exhausted();
                if (exhausted != null) {
                    slots.release(free);
                    awaitItems(slots, capacity);
                    tables.end(runId, RunStatus.COMPLETED, exhausted, clock.instant());
                    break;
                }
                long claimedAt = System.nanoTime();
                List<I> items = claim(free);
                slots.release(free - items.size());
                if (items.isEmpty()) {
                    if (!tables.hasUnfinishedItems(runId)) {
                        awaitItems(slots, capacity);
                        if (!tables.hasUnfinishedItems(runId)) {
                            tables.end(runId, RunStatus.COMPLETED, null, clock.instant());
                            break;
                        }
                        continue;
                    }
                    Thread.sleep(50);
                    continue;
                }
                for (I item : items) {
                    pool.submit(() -> {
                        int seq = item.seq();
                        running.put(seq, new Running(Thread.currentThread(), claimedAt));
                        try {
                            execute(item);
                        } finally {
                            running.remove(seq);
                            slots.release();
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!stopped) { // a stop's interrupt can break a database call: that is no failure of the run
                log.error("{} {} failed", kind, runId, e);
                tables.end(runId, RunStatus.FAILED, e.toString(), clock.instant());
            }
        } finally {
            if (stopped || Thread.currentThread().isInterrupted()) {
                writing.writeLock().lock(); // writes under way finish first; later ones see the stop and skip
                try {
                    pool.shutdownNow();
                } finally {
                    writing.writeLock().unlock();
                }
            }
            pool.close();
            // with the interrupt flag set, the JDBC driver's socket closes at the first read: clear it for the release
            boolean interrupted = Thread.interrupted();
            try {
                tables.release(runId, instance);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
