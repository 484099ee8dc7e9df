package dev.casebook.server.batch;

import dev.casebook.server.lifecycle.ClaimHolderLifecycle;
import dev.casebook.server.lifecycle.ShutdownOrder;
import dev.casebook.server.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Starts, stops, cancels and resumes the runs of one kind of batch (evaluation runs, dream jobs, sandbox task jobs)
 * on this instance. At start-up it gives back the claims this instance held when it stopped (a crash or kill leaves
 * them) and continues every unfinished run; when this instance stops it stops every executor and waits for them to
 * give their claims back, in the lifecycle phase {@link ShutdownOrder#STOP_PHASE}: after the web server stopped,
 * before any bean (the connection pool, the case store) is destroyed. A subclass says how a run is worked
 * ({@link #start(String)}).
 *
 * <p>Leases ({@link ClusterSettings}, the task queue's {@code casebook.tasks.lease} and {@code renew-interval}): every
 * renew interval this instance renews the runs it works and the items it holds of them; it gives back the items other
 * instances hold without renewing them for a lease (they crashed or lost the database), so they run again, and it
 * takes up the unfinished runs nobody renewed for a lease. An instance renews only the items it works: a claim of its
 * own that no thread here works any more (its item could not even record that it failed) runs out like any other and
 * is given back. An instance that finds at its renewal that it lost a claim so interrupts that item, which records
 * nothing more; its records are written only where the claim is still its own anyway.
 */
public abstract class BatchRunner extends ClaimHolderLifecycle {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** The most runs a list of them answers with. */
    private static final int MAX_LIST = 500;

    protected final Logger log = LoggerFactory.getLogger(getClass());
    protected final String instance;
    protected final Clock clock = Clock.systemUTC();
    private final Names names;
    private final BatchTables tables;
    private final BatchExecutors executors;
    private final Duration lease;
    private final Duration renewInterval;
    /** Runs taken up from the lease sweep that {@link #start} did not work here (it logged why): not tried again. */
    private final Set<String> declined = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService leases;
    private volatile boolean running;
    private volatile BatchMetrics metrics = BatchMetrics.NONE;

    /**
     * How a kind of run is named in logs and problem details.
     *
     * @param one     one run, e.g. {@code dream job}
     * @param many    several, as in "only queued or running {@code jobs} can be cancelled"
     * @param threads the prefix of its executors' thread names
     */
    public record Names(String one, String many, String threads) {
    }

    protected BatchRunner(Names names, BatchTables tables, ClusterSettings settings) {
        super(names.threads() + "-stop");
        this.names = names;
        this.tables = tables;
        this.instance = settings.instanceId();
        this.lease = settings.lease();
        this.renewInterval = settings.renewInterval();
        this.executors = new BatchExecutors(names.threads());
    }

    /**
     * The {@code limit} parameter of a list of runs.
     *
     * @throws ApiException 400 outside [1, 500]
     */
    public static int listLimit(int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw ApiException.badRequest("parameter 'limit' must be within [1, " + MAX_LIST + "], was " + limit);
        }
        return limit;
    }

    /** Works the run on this instance (through {@link #work}), or leaves it waiting, or {@link #fail}s it. */
    public abstract void start(String runId);

    @EventListener(ApplicationReadyEvent.class)
    public void resumeUnfinished() {
        int released = tables.releaseAll(instance);
        List<String> runs = tables.unfinishedRunIds();
        if (!runs.isEmpty() || released > 0) {
            log.info("Resuming {} unfinished {}(s); {} item claim(s) of instance {} given back", runs.size(),
                    names.one(), released, instance);
        }
        runs.forEach(this::start);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name(names.threads() + "-leases").factory());
        scheduler.scheduleWithFixedDelay(this::renewLeases, renewInterval.toMillis(), renewInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        leases = scheduler;
    }

    /** One lease round: renew what this instance works, give back expired claims, take up runs nobody works. */
    void renewLeases() {
        try {
            Instant now = clock.instant();
            for (String runId : executors.activeRunIds()) {
                long renewing = System.nanoTime();
                Set<Integer> held = tables.renew(runId, instance, executors.working(runId), now);
                List<Integer> lost = executors.interruptLost(runId, held, renewing);
                if (!lost.isEmpty()) {
                    log.warn("{} {}: item(s) {} were taken back by another instance after this one ({}) did not renew "
                            + "them; stopped here, they record nothing", names.one(), runId, lost, instance);
                }
            }
            Instant expired = now.minus(lease);
            int released = tables.releaseExpired(expired);
            if (released > 0) {
                log.warn("{} item claim(s) were not renewed for {} (their instance stopped renewing them, or nothing "
                        + "works them): given back to run again", released, lease);
            }
            for (String runId : tables.unworkedRunIds(expired)) {
                if (!executors.active(runId) && !declined.contains(runId)) {
                    log.info("{} {} was not renewed for {}: this instance ({}) takes it up", names.one(), runId, lease,
                            instance);
                    tables.release(runId, instance); // claims of ours on a run not worked here are stale
                    start(runId);
                    if (!executors.active(runId)) {
                        declined.add(runId);
                    }
                }
            }
        } catch (RuntimeException e) { // the database may be away for a while: the next round tries again
            log.warn("renewing the leases of {} failed: {}", names.many(), e.toString());
        }
    }

    /** Runs the executor for {@code runId} on this instance unless one already does. */
    protected final void work(String runId, Supplier<BatchExecutor<?>> executor) {
        executors.start(runId, () -> {
            BatchExecutor<?> created = executor.get();
            if (created != null) {
                created.metrics = metrics;
            }
            return created;
        });
    }

    /** Counts the items of this kind of run ({@link BatchMetrics}), registered at zero now. */
    @Autowired(required = false)
    void meterRegistry(MeterRegistry registry) {
        this.metrics = new BatchMetrics(registry, names.one());
    }

    /** Ends the run as failed because it cannot continue here, for the reason given. */
    protected final void fail(String runId, String reason) {
        log.warn("{} {} cannot continue: {}", names.one(), runId, reason);
        tables.end(runId, RunStatus.FAILED, reason, clock.instant());
    }

    /**
     * Cancels a queued or running run: its running items are interrupted here and run again on resume.
     *
     * @param current the run's status as the caller read it, for the message
     * @throws ApiException 409 when the run is neither queued nor running
     */
    public void cancel(String runId, RunStatus current) {
        if (!tables.end(runId, RunStatus.CANCELLED, null, clock.instant())) {
            throw ApiException.conflict(names.one() + " '" + runId + "' is " + current.wire()
                    + "; only queued or running " + names.many() + " can be cancelled");
        }
        executors.stop(runId);
    }

    /**
     * Admits a run's resumption: runs {@code resume} (which sets the run going again, false when it was not at rest)
     * when the run's remaining items fit the caps, else refuses it ({@link ItemCap#readmit}).
     */
    @FunctionalInterface
    public interface Admission {
        boolean admit(BooleanSupplier resume);
    }

    /**
     * Resumes a cancelled or failed run once this instance no longer works it, when {@code admission} lets it (the
     * tenant's item cap); finished items are not redone.
     *
     * @throws ApiException 409 when the run is still stopping here, or is neither cancelled nor failed; what the
     *                      admission throws (429 over the tenant's cap)
     */
    public void resume(String runId, RunStatus current, Admission admission) {
        if (current != RunStatus.CANCELLED && current != RunStatus.FAILED) {
            throw notAtRest(runId, current);
        }
        if (!executors.awaitStopped(runId, STOP_TIMEOUT)) {
            throw ApiException.conflict(names.one() + " '" + runId + "' is still stopping; try again in a moment");
        }
        if (!admission.admit(() -> tables.resume(runId))) {
            throw notAtRest(runId, tables.status(runId));
        }
        start(runId);
    }

    private ApiException notAtRest(String runId, RunStatus current) {
        return ApiException.conflict(names.one() + " '" + runId + "' is " + current.wire()
                + "; only cancelled or failed " + names.many() + " can be resumed");
    }

    /** As a problem detail names a run of this kind: {@code evaluation run 'id'}. */
    public String describe(String runId) {
        return names.one() + " '" + runId + "'";
    }

    public void stop(String runId) {
        executors.stop(runId);
    }

    public boolean active(String runId) {
        return executors.active(runId);
    }

    /** Waits until this instance no longer works the run; false when it still does after {@code timeout}. */
    public boolean awaitStopped(String runId, Duration timeout) {
        return executors.awaitStopped(runId, timeout);
    }

    /** Runs are resumed once the application is ready ({@link #resumeUnfinished}); this marks the runner stoppable. */
    @Override
    public void start() {
        running = true;
    }

    /** Stops renewing, then stops every executor and waits for them to give their claims back. */
    @Override
    public void stop() {
        try {
            ScheduledExecutorService scheduler = leases;
            if (scheduler != null) {
                scheduler.shutdownNow();
            }
            executors.stopAll(STOP_TIMEOUT);
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
