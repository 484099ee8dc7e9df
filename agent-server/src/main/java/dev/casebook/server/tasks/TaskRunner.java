package dev.casebook.server.tasks;

import dev.casebook.server.agent.Agent;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.NotRemembered;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.StepListener;
import dev.casebook.server.agent.StopReason;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.lifecycle.ShutdownOrder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs the tasks this instance claimed, each on its own virtual thread, at most {@code casebook.tasks.max-running}
 * at once, and records what happens through the claim: once the claim no longer stands, nothing more is written.
 * A run stops when its thread is interrupted, for one of four reasons: a cancel (the outcome is recorded,
 * {@code cancelled}), a lost claim (the task was taken back and may run elsewhere: nothing is recorded), this
 * instance stopping (the claim is given back and the task runs again), or a step that could not be recorded (the
 * task ends {@code failed}, reason {@code internal_error}, as it does when its outcome cannot be recorded: a task is
 * never left running without a runner). Record writes hold a per-task lock that the interrupt waits for, so a write
 * is never torn by it. {@link TaskQueue} claims queued tasks for it and renews the leases.
 */
@Component
class TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    /** Why a run was interrupted. */
    enum Stop { CANCEL, CLAIM_LOST, SHUTDOWN, UNRECORDED }

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final ObjectProvider<Agent> agent;
    private final TaskStore records;
    private final TaskQueries queries;
    private final TaskClaims claims;
    private final TaskEvents events;
    private final TaskSettings settings;
    private final MeterRegistry metrics;
    private final NotRemembered notRemembered;
    private final AtomicInteger active = new AtomicInteger();
    /** Queued tasks may be waiting for a slot: see {@link #claimQueued}. */
    private final AtomicBoolean backlog = new AtomicBoolean(true);
    private volatile Runnable slotFreed = () -> { };

    TaskRunner(ObjectProvider<Agent> agent, TaskStore records, TaskQueries queries, TaskClaims claims, TaskEvents events,
            TaskSettings settings, MeterRegistry metrics, NotRemembered notRemembered) {
        this.agent = agent;
        this.notRemembered = notRemembered;
        this.records = records;
        this.queries = queries;
        this.claims = claims;
        this.events = events;
        this.settings = settings;
        this.metrics = metrics;
        this.slots = new Semaphore(settings.maxRunning());
        metrics.gauge("casebook.tasks.running", active);
        // registered at zero, so that dashboards see them before the first event
        metrics.counter("casebook.tasks.submitted");
        metrics.counter("casebook.tasks.claims_lost");
        for (TaskStatus status : TaskStatus.values()) {
            if (status.finished()) {
                metrics.counter("casebook.tasks.finished", "status", status.wireName());
            }
        }
    }

    /**
     * Records the task: claimed by this instance and started at once when it has a free slot (no other instance can
     * take it first), else queued for whichever instance has room first; the task as recorded.
     */
    public TaskView submit(TaskSpec spec, List<String> attachmentIds) {
        metrics.counter("casebook.tasks.submitted").increment();
        if (!slots.tryAcquire()) {
            TaskView queued = records.create(spec, attachmentIds);
            backlog.set(true);
            return queued;
        }
        TaskStore.Created created;
        try {
            created = records.createClaimed(spec, attachmentIds);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        start(created.claim(), spec);
        return created.view();
    }

    /**
     * Claims as many queued tasks as this instance has free slots and starts them; returns how many. Unless
     * {@code always}, only when queued tasks are likely to wait (this instance queued one, or its last claim took as
     * many as it had room for, or it had no room), so that a slot freeing costs no query when the queue is empty.
     */
    int claimQueued(boolean always) {
        if (!always && !backlog.get()) {
            return 0;
        }
        int free = slots.drainPermits();
        if (free == 0) {
            backlog.set(true);
            return 0;
        }
        List<Claim> claimed = List.of();
        try {
            claimed = claims.claimQueued(settings.instanceId(), free, settings.lease());
        } finally {
            slots.release(free - claimed.size());
        }
        backlog.set(claimed.size() == free);
        claimed.forEach(c -> start(c, null));
        return claimed.size();
    }

    boolean hasRoom() {
        return slots.availablePermits() > 0;
    }

    /** Called whenever a run ends and its slot is free again. */
    void onSlotFreed(Runnable listener) {
        this.slotFreed = listener;
    }

    List<Claim> claims() {
        return running.values().stream().map(r -> r.claim).toList();
    }

    Set<String> runningIds() {
        return Set.copyOf(running.keySet());
    }

    /** Interrupts the task when it runs here; false when it does not. */
    boolean interrupt(String id, Stop why) {
        Running r = running.get(id);
        if (r == null) {
            return false;
        }
        r.stop(why);
        return true;
    }

    private void start(Claim claim, TaskSpec spec) {
        Running r = new Running(claim);
        running.put(claim.taskId(), r); // before the thread starts: a cancel or a lost lease finds it at once
        if (claim.attempt() == 1) {
            events.open(claim.taskId()); // a re-run is streamed from the records, which hold its earlier attempts
        }
        executor.submit(() -> run(r, spec));
    }

    private void run(Running r, TaskSpec known) {
        String id = r.claim.taskId();
        r.attach();
        active.incrementAndGet();
        Timer.Sample sample = Timer.start(metrics);
        try {
            Outcome outcome = work(r, known);
            r.guarded(() -> {
                end(r, outcome, sample);
                return null;
            });
        } finally {
            running.remove(id);
            active.decrementAndGet();
            slots.release();
            slotFreed.run();
        }
    }

    private Outcome work(Running r, TaskSpec known) {
        String id = r.claim.taskId();
        try {
            TaskSpec spec = known != null ? known : r.guarded(() -> queries.spec(id));
            r.spec = spec;
            AtomicInteger seq = new AtomicInteger(r.claim.attempt() == 1 ? 0 : r.guarded(() -> queries.lastSeq(id)));
            r.seq = seq;
            StepListener listener = step -> r.guarded(() -> record(r, seq.incrementAndGet(), step));
            Agent a = agent.getIfAvailable();
            return a == null
                    ? new Outcome.Failed("no_model_configured",
                            "this server has no agent and no LLM configured; see 'Configuration' in the README",
                            List.of(), 0)
                    : a.run(spec, listener);
        } catch (RuntimeException e) {
            log.error("task {} failed unexpectedly", id, e);
            return new Outcome.Failed("internal_error", e.toString(), List.of(), 0);
        }
    }

    /** Records a step; one that cannot be recorded stops the run, which then ends {@code internal_error}. */
    private Void record(Running r, int seq, Step step) {
        if (r.unrecorded != null) {
            return null; // the trace already has a gap: the run is stopping, and ends failed
        }
        try {
            ObjectNode view = records.appendStepForFeed(r.claim, seq, step);
            if (view == null) {
                r.stop(Stop.CLAIM_LOST); // this thread: the agent sees the interrupt and stops
                return null;
            }
            events.publish(r.claim.taskId(), seq, StepJson.type(step), view);
        } catch (RuntimeException e) {
            log.error("task {}: step {} ({}) could not be recorded; the task stops and ends failed", r.claim.taskId(),
                    seq, StepJson.type(step), e);
            r.unrecorded = "step " + seq + " (" + StepJson.type(step) + ") could not be recorded: " + cause(e);
            r.stop(Stop.UNRECORDED);
        }
        return null;
    }

    /**
     * Records the outcome through the claim, or gives the claim back, or (claim lost) writes nothing. An outcome that
     * cannot be recorded, or a run whose steps could not be, ends the task {@code failed} ({@code internal_error});
     * only when even that cannot be written is the task left to its lease (the database is out of reach).
     */
    private void end(Running r, Outcome outcome, Timer.Sample sample) {
        Claim claim = r.claim;
        if (r.stop == Stop.SHUTDOWN && outcome instanceof Outcome.Failed) { // failed because it was interrupted
            giveBack(claim);
            return;
        }
        if (r.stop == Stop.CLAIM_LOST) {
            lost(claim);
            return;
        }
        if (cancelledEpisode(r, outcome)) {
            record(r, r.seq.incrementAndGet(), new Step.MemorySkipped(StopReason.CANCELLED.code(), "no case was "
                    + "written: the task was cancelled, which says nothing about the agent's approach", 0));
            if (r.unrecorded == null && r.stop == Stop.CANCEL) { // counted before the end is visible
                notRemembered.count(StopReason.CANCELLED);
            }
        }
        Outcome ended = r.unrecorded == null ? outcome : internalError(r.unrecorded, outcome);
        boolean finished;
        try {
            finished = records.finish(claim, ended);
        } catch (RuntimeException e) {
            log.error("task {}: its outcome could not be recorded; it ends failed", claim.taskId(), e);
            ended = internalError("its outcome (" + TaskStore.status(ended).wireName() + ") could not be recorded: "
                    + cause(e), outcome);
            try {
                finished = records.finish(claim, ended);
            } catch (RuntimeException again) {
                log.error("task {}: attempt {} could not record that it failed either; it runs again once its lease "
                        + "ran out", claim.taskId(), claim.attempt(), again);
                events.abandon(claim.taskId());
                return;
            }
        }
        if (!finished) {
            lost(claim);
            return;
        }
        String status = TaskStore.status(ended).wireName();
        sample.stop(metrics.timer("casebook.tasks.duration", "status", status));
        metrics.counter("casebook.tasks.finished", "status", status).increment();
        events.end(claim.taskId(), status);
    }

    /**
     * True when a cancel ended a read-write episode (the agent writes no case then): the trace says so with a
     * {@code memory_skipped} step and {@link NotRemembered} counts it, as for the agent's other stops that are not its
     * failure.
     */
    private static boolean cancelledEpisode(Running r, Outcome outcome) {
        return r.stop == Stop.CANCEL && r.unrecorded == null && r.spec != null && r.seq != null
                && r.spec.memoryMode() == MemoryMode.READ_WRITE && outcome instanceof Outcome.Failed f
                && StopReason.CANCELLED.code().equals(f.reason());
    }

    private void lost(Claim claim) {
        log.warn("task {}: attempt {} on '{}' lost its claim (its lease ran out and it was taken back); stopped "
                + "without recording an outcome", claim.taskId(), claim.attempt(), claim.runner());
        metrics.counter("casebook.tasks.claims_lost").increment();
        events.abandon(claim.taskId());
    }

    private void giveBack(Claim claim) {
        try {
            boolean released = claims.release(claim, settings.maxAttempts());
            log.info("task {} (attempt {}) given back as this instance stops{}", claim.taskId(), claim.attempt(),
                    released ? "" : ": it was no longer claimed here");
        } catch (RuntimeException e) {
            log.warn("task {} (attempt {}) could not be given back as this instance stops; it runs again once its "
                    + "lease ran out: {}", claim.taskId(), claim.attempt(), e.toString());
        }
        events.abandon(claim.taskId());
    }

    /** The run's outcome replaced by a failure that says what could not be recorded; tokens and selections kept. */
    private static Outcome internalError(String detail, Outcome outcome) {
        return new Outcome.Failed("internal_error", detail, outcome.selected(), outcome.tokens(), outcome.state());
    }

    private static String cause(RuntimeException e) {
        return NestedExceptionUtils.getMostSpecificCause(e).toString();
    }

    /**
     * Stops every run and waits (up to 10 s) for them to give their claims back, while the database is still there
     * ({@link ShutdownOrder#STOP_PHASE}): claims left behind would wait for their lease to run out or for this
     * instance's next start.
     */
    void stopAll() throws InterruptedException {
        running.values().forEach(r -> r.stop(Stop.SHUTDOWN));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (!running.isEmpty()) {
            log.warn("{} task(s) did not stop within 10 s; they are taken back when their lease runs out",
                    running.size());
        }
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A run on this instance: its claim, its thread once it started, and why it was interrupted. */
    private static final class Running {
        final Claim claim;
        final ReentrantLock lock = new ReentrantLock();
        volatile Thread thread;
        volatile Stop stop;
        /** What could not be recorded of the run, once something could not; then nothing more is written of it. */
        volatile String unrecorded;
        /** The task, once read; the number of its last step. */
        volatile TaskSpec spec;
        volatile AtomicInteger seq;

        Running(Claim claim) {
            this.claim = claim;
        }

        void attach() {
            lock.lock();
            try {
                thread = Thread.currentThread();
                if (stop != null) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Interrupts the run; a lost claim overrides any earlier reason (nothing may be written any more). */
        void stop(Stop why) {
            lock.lock();
            try {
                if (stop == null || why == Stop.CLAIM_LOST) {
                    stop = why;
                }
                if (thread != null) {
                    thread.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Runs a record read or write with the thread's interrupt flag cleared, then restores it. */
        <T> T guarded(Supplier<T> io) {
            lock.lock();
            boolean interrupted = Thread.interrupted();
            try {
                return io.get();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                lock.unlock();
            }
        }
    }
}
