package dev.casebook.server.tasks;

import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.StepListener;
import dev.casebook.server.agent.TaskSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Runs tasks, each on its own virtual thread, and records what happens. Cancelling a running task interrupts its
 * thread; record writes hold a per-task lock that the interrupt waits for, so a write is never torn by it.
 */
@Component
public class TaskRunner implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final ConcurrentMap<String, Running> running = new ConcurrentHashMap<>();
    private final ObjectProvider<Agent> agent;
    private final TaskRecords records;
    private final TaskEvents events;
    private final MeterRegistry metrics;
    private final AtomicInteger active = new AtomicInteger();

    TaskRunner(ObjectProvider<Agent> agent, TaskRecords records, TaskEvents events, MeterRegistry metrics) {
        this.agent = agent;
        this.records = records;
        this.events = events;
        this.metrics = metrics;
        metrics.gauge("casebook.tasks.running", active);
    }

    /** Records the task as queued and starts it. */
    public void submit(TaskSpec spec, List<String> attachmentIds) {
        records.create(spec, attachmentIds);
        events.open(spec.id());
        metrics.counter("casebook.tasks.submitted").increment();
        executor.submit(() -> run(spec));
    }

    /** Interrupts the task when it runs here; false when it does not. */
    public boolean interrupt(String id) {
        Running r = running.get(id);
        if (r == null) {
            return false;
        }
        r.lock.lock();
        try {
            r.thread.interrupt();
        } finally {
            r.lock.unlock();
        }
        return true;
    }

    private void run(TaskSpec spec) {
        String id = spec.id();
        if (!records.start(id)) {
            events.end(id, records.find(spec.tenant(), id).map(TaskView::status).orElse("cancelled"));
            return;
        }
        Running r = new Running(Thread.currentThread(), new ReentrantLock());
        running.put(id, r);
        active.incrementAndGet();
        Timer.Sample sample = Timer.start(metrics);
        AtomicInteger seq = new AtomicInteger();
        StepListener listener = step -> r.guarded(() -> record(id, seq.incrementAndGet(), step));
        Outcome outcome;
        try {
            Agent a = agent.getIfAvailable();
            outcome = a == null
                    ? new Outcome.Failed("no_model_configured",
                            "this server has no agent and no LLM configured; see 'Configuration' in the README",
                            List.of(), 0)
                    : a.run(spec, listener);
        } catch (RuntimeException e) {
            log.error("task {} failed unexpectedly", id, e);
            outcome = new Outcome.Failed("internal_error", e.toString(), List.of(), 0);
        }
        Outcome last = outcome;
        r.guarded(() -> records.finish(id, last));
        running.remove(id);
        active.decrementAndGet();
        String status = records.find(spec.tenant(), id).map(TaskView::status).orElse("failed");
        sample.stop(metrics.timer("casebook.tasks.duration", "status", status));
        metrics.counter("casebook.tasks.finished", "status", status).increment();
        events.end(id, status);
    }

    private void record(String id, int seq, Step step) {
        try {
            records.appendStep(id, seq, step);
            events.publish(id, seq, StepJson.type(step), records.stepView(id, seq, step));
        } catch (RuntimeException e) {
            log.error("could not record step {} of task {}", seq, id, e);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    private record Running(Thread thread, ReentrantLock lock) {
        /** Runs a record write with the thread's interrupt flag cleared, then restores it. */
        void guarded(Runnable write) {
            lock.lock();
            boolean interrupted = Thread.interrupted();
            try {
                write.run();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                lock.unlock();
            }
        }
    }
}
