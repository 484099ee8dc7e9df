package dev.casebook.server.batch;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one batch run on this instance: claims items (at most {@link #prepare() concurrency} at once, as many as
 * there are free slots in one claim, each item on a virtual thread), and completes the run when no item is pending
 * or running anywhere. Stopping it (cancel, shutdown) interrupts the running items and gives their claims back, so
 * they run again later; a subclass checks {@link #stopped()} after an item's work and then records nothing.
 *
 * @param <I> an item as the subclass reads it when claimed
 */
public abstract class BatchExecutor<I> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(BatchExecutor.class);

    protected final String runId;
    protected final String instance;
    protected final Clock clock;
    private final BatchTables tables;
    private final String kind;
    private volatile boolean stopped;
    private volatile Thread thread;

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

    /** Claims up to {@code limit} items for this instance ({@link BatchTables#claim}) and reads them. */
    protected abstract List<I> claim(int limit);

    /** Works one claimed item and records it, unless {@link #stopped()} by then. Runs on its own virtual thread. */
    protected abstract void execute(I item);

    /** True once the run is being stopped here or this item's thread was interrupted: record nothing more. */
    protected final boolean stopped() {
        return stopped || Thread.currentThread().isInterrupted();
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
            Semaphore slots = new Semaphore(prepare());
            while (!stopped) {
                slots.acquire();
                int free = 1 + slots.drainPermits(); // claim as many items as there are free slots, in one go
                if (stopped || tables.status(runId) != RunStatus.RUNNING) {
                    slots.release(free);
                    break;
                }
                List<I> items = claim(free);
                slots.release(free - items.size());
                if (items.isEmpty()) {
                    if (!tables.hasUnfinishedItems(runId)) {
                        tables.end(runId, RunStatus.COMPLETED, null, clock.instant());
                        break;
                    }
                    Thread.sleep(50);
                    continue;
                }
                for (I item : items) {
                    pool.submit(() -> {
                        try {
                            execute(item);
                        } finally {
                            slots.release();
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{} {} failed", kind, runId, e);
            tables.end(runId, RunStatus.FAILED, e.toString(), clock.instant());
        } finally {
            if (stopped || Thread.currentThread().isInterrupted()) {
                pool.shutdownNow();
            }
            pool.close();
            tables.release(runId, instance);
        }
    }
}
