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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;

/**
 * Works one batch run on this instance: claims items (at most {@link #prepare() concurrency} at once, as many as
 * there are free slots in one claim, each item on a virtual thread), and completes the run when no item is pending
 * or running anywhere. Stopping it (cancel, shutdown) interrupts the running items and gives their claims back, so
 * they run again later; a subclass writes an item's results through {@link #record}, which skips them once the run
 * is being stopped and is never interrupted halfway. An item that fails unexpectedly, its record included, ends
 * {@code done} with outcome {@code internal_error} ({@link BatchTables#fail}): its thread never leaves a claim that
 * nobody works.
 *
 * @param <I> an item as the subclass reads it when claimed
 */
public abstract class BatchExecutor<I extends BatchExecutor.Item> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(BatchExecutor.class);

    protected final String runId;
    protected final String instance;
    protected final Clock clock;
    /** Set by the runner that starts this executor ({@link BatchRunner#work}). */
    volatile BatchMetrics metrics = BatchMetrics.NONE;
    private final BatchTables tables;
    private final String kind;
    /** Items hold it (shared) while they write; a stop takes it (exclusive) before it interrupts them. */
    private final ReentrantReadWriteLock writing = new ReentrantReadWriteLock();
    private volatile boolean stopped;
    private volatile Thread thread;
    /** The items running here by seq. */
    private final Map<Integer, Running> running = new ConcurrentHashMap<>();

    /**
     * An item running here: its thread, when it was claimed ({@link System#nanoTime}), and whether it went through
     * {@link #record} (then it writes nothing more that its claim fences, and is no longer interrupted for a lost one).
     */
    private static final class Running {
        final Thread thread;
        final long claimedAt;
        volatile boolean recorded;

        Running(Thread thread, long claimedAt) {
            this.thread = thread;
            this.claimedAt = claimedAt;
        }
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

    /**
     * Works one claimed item and records it, unless {@link #stopped()} by then. Runs on its own virtual thread. An
     * exception it throws ends the item {@code internal_error}, unless the run is being stopped.
     */
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
     * close a database connection) and no item is left half recorded. Once they ran (or threw), the item is recorded:
     * a renewal no longer takes it for lost.
     */
    protected final boolean record(I item, Runnable writes) {
        return record(item, 0, writes);
    }

    /** As {@link #record(Item, Runnable)}, counting the tokens the item spent once its writes ran. */
    protected final boolean record(I item, long tokens, Runnable writes) {
        boolean ran = write(item, writes);
        if (ran) {
            metrics.done(tokens);
        }
        return ran;
    }

    private boolean write(I item, Runnable writes) {
        writing.readLock().lock();
        try {
            if (stopped()) {
                return false;
            }
            try {
                writes.run();
            } finally {
                Running here = running.get(item.seq());
                if (here != null) {
                    here.recorded = true;
                }
            }
            return true;
        } finally {
            writing.readLock().unlock();
        }
    }

    /** The seqs of the items that run here now: the claims this instance renews. */
    public final Set<Integer> working() {
        return Set.copyOf(running.keySet());
    }

    /**
     * Interrupts the items running here that were claimed before {@code claimedBefore} ({@link System#nanoTime}),
     * have not recorded yet, and whose claims no longer stand: {@code held} are the seqs this instance still holds.
     * Another instance took those items back after this one failed to renew its lease (a pause, the database out of
     * reach), so they must record nothing more here; an item's writes under way finish first, as for a stop (an item
     * that recorded meanwhile gave its claim up itself). Returns the seqs interrupted.
     */
    public final List<Integer> interruptLost(Set<Integer> held, long claimedBefore) {
        if (running.entrySet().stream().noneMatch(e -> lost(e.getKey(), e.getValue(), held, claimedBefore))) {
            return List.of();
        }
        writing.writeLock().lock();
        try {
            List<Integer> lost = new ArrayList<>();
            running.forEach((seq, item) -> {
                if (lost(seq, item, held, claimedBefore)) {
                    item.thread.interrupt();
                    lost.add(seq);
                }
            });
            return lost;
        } finally {
            writing.writeLock().unlock();
        }
    }

    private static boolean lost(int seq, Running item, Set<Integer> held, long claimedBefore) {
        return !item.recorded && item.claimedAt < claimedBefore && !held.contains(seq);
    }

    /**
     * An item failed unexpectedly (its agent, its scoring, its record): unless the run is being stopped (then its
     * claim is given back) it ends {@code internal_error}. When even that cannot be written, its claim is no longer
     * renewed, runs out after a lease and is given back.
     */
    private void failed(I item, long started, RuntimeException e) {
        if (stopped()) {
            log.debug("{} {}: item {} failed once stopped (the run stops, or its claim was lost): {}", kind, runId,
                    item.seq(), e.toString());
            return;
        }
        log.error("{} {}: item {} failed unexpectedly; it ends failed (internal_error)", kind, runId, item.seq(), e);
        String detail = NestedExceptionUtils.getMostSpecificCause(e).toString();
        try {
            if (write(item, () -> tables.fail(runId, item.seq(), instance, detail,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), clock.instant()))) {
                metrics.failed();
            }
        } catch (RuntimeException again) {
            log.error("{} {}: item {} could not record that it failed either; its claim is given back once its lease "
                    + "ran out", kind, runId, item.seq(), again);
        }
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
                metrics.claimed(items.size());
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
                        } catch (RuntimeException e) {
                            failed(item, claimedAt, e);
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
