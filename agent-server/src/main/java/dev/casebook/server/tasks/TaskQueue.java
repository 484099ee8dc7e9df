package dev.casebook.server.tasks;

import dev.casebook.server.lifecycle.ClaimHolderLifecycle;
import dev.casebook.server.lifecycle.ShutdownOrder;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This instance's side of the task queue. At start-up it takes back the tasks it left running (a crash or a kill
 * under the same instance id). Then, every poll interval and whenever a slot frees, it claims the queued tasks it
 * has room for and interrupts its tasks whose cancel was requested (on any replica); every renew interval it renews
 * the leases of its tasks, interrupts those whose claim was lost, and takes back other instances' claims whose lease
 * ran out. When it cannot renew for a whole lease (the database is unreachable from here), it stops its runs: other
 * replicas take them back, and their writes from here would be refused anyway. When this instance stops, it stops
 * claiming, then stops its runs and gives their claims back ({@link ShutdownOrder#STOP_PHASE}).
 */
@Component
class TaskQueue extends ClaimHolderLifecycle {
    private static final Logger log = LoggerFactory.getLogger(TaskQueue.class);

    private final TaskRunner runner;
    private final TaskClaims claims;
    private final TaskSettings settings;
    private final Semaphore wake = new Semaphore(0);
    /** One tick at a time (the loop's, or a test's). */
    private final ReentrantLock ticking = new ReentrantLock();
    /** Claims made since this start have leases ending after this; older ones of this instance id were left behind. */
    private final Instant leasesOfThisStart;
    private volatile boolean stopped;
    private volatile boolean running;
    private Thread thread;
    private long nextRenew = System.nanoTime();
    private long nextPoll = System.nanoTime();
    private long lastRenewed = System.nanoTime();

    TaskQueue(TaskRunner runner, TaskClaims claims, TaskSettings settings) {
        super("task-queue-stop");
        this.runner = runner;
        this.claims = claims;
        this.settings = settings;
        this.leasesOfThisStart = Instant.now().plus(settings.lease());
    }

    @EventListener(ApplicationReadyEvent.class)
    void begin() {
        recoverOwn();
        runner.onSlotFreed(this::wake);
        thread = Thread.ofVirtual().name("task-queue").start(this::loop);
    }

    /** Takes back what this instance left running when it last stopped; its own current runs are left alone. */
    void recoverOwn() {
        Map<TaskStatus, Integer> counts = claims.takeBackOwn(settings.instanceId(), leasesOfThisStart,
                runner.runningIds(), settings.maxAttempts());
        if (!counts.isEmpty()) {
            log.warn("instance '{}' left tasks running when it last stopped; taken back: {}", settings.instanceId(),
                    counts);
        }
    }

    void wake() {
        wake.release();
    }

    private void loop() {
        while (!stopped) {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("task queue: {}", e.toString());
            }
            try {
                wake.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One round: leases when they are due; cancel requests and a claim when the poll interval is up; otherwise (a
     * slot freed) a claim only when queued tasks are likely to wait.
     */
    void tick() {
        ticking.lock();
        try {
            long now = System.nanoTime();
            if (now - nextRenew >= 0) {
                nextRenew = now + settings.renewInterval().toNanos();
                renew(now);
                takeBackExpired();
            }
            boolean due = now - nextPoll >= 0;
            if (due) {
                nextPoll = now + settings.pollInterval().toNanos();
                if (!runner.claims().isEmpty()) {
                    for (String id : claims.cancelRequested(settings.instanceId())) {
                        runner.interrupt(id, TaskRunner.Stop.CANCEL);
                    }
                }
            }
            while (!stopped && runner.hasRoom() && runner.claimQueued(due) > 0) {
                due = false; // claim again while the last claim filled every free slot
            }
        } finally {
            ticking.unlock();
        }
    }

    private void renew(long now) {
        try {
            for (String id : claims.renew(runner.claims(), settings.lease())) {
                runner.interrupt(id, TaskRunner.Stop.CLAIM_LOST);
            }
            lastRenewed = now;
        } catch (RuntimeException e) {
            if (now - lastRenewed > settings.lease().toNanos()) {
                log.error("could not renew task leases for {}: stopping this instance's runs", settings.lease(), e);
                runner.claims().forEach(c -> runner.interrupt(c.taskId(), TaskRunner.Stop.CLAIM_LOST));
            }
            throw e;
        }
    }

    private void takeBackExpired() {
        Set<String> here = runner.runningIds();
        Map<TaskStatus, Integer> counts = claims.takeBackExpired(here, settings.maxAttempts());
        if (!counts.isEmpty()) {
            log.warn("tasks whose lease ran out (their server stopped renewing it) taken back: {}", counts);
        }
    }

    /** Claiming begins once the application is ready ({@link #begin}); this only marks the queue as stoppable. */
    @Override
    public void start() {
        running = true;
    }

    /** Stops claiming, then stops this instance's runs, which give their claims back. */
    @Override
    public void stop() {
        stopped = true;
        wake();
        try {
            if (thread != null) {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
            runner.stopAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = false;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
