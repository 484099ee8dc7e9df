package dev.casebook.server.tasks;

import static dev.casebook.testkit.Eventually.eventually;

import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.StepListener;
import dev.casebook.server.agent.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A test double of the agent, not the real one (no LLM, no memory): for each task it selects one made-up case, plans,
 * then waits until the test lets it answer (or its thread is interrupted: it stops as cancelled), and answers
 * {@code done: <text>}. It counts the runs of each task text and keeps those it saw interrupted, so queue tests can
 * tell which replica ran what, and how often.
 */
final class HeldAgent implements Agent {
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final Set<String> interrupted = ConcurrentHashMap.newKeySet();
    final Set<String> waiting = ConcurrentHashMap.newKeySet();
    final Map<String, UUID> picked = new ConcurrentHashMap<>();
    /** Texts of tasks let through one by one ({@link #release(String)}), whatever the gate. */
    private final Set<String> released = ConcurrentHashMap.newKeySet();
    private volatile Semaphore gate;

    /** From now on each task waits for a permit of {@link #release(int)} before it answers. */
    HeldAgent hold() {
        gate = new Semaphore(0);
        return this;
    }

    void release(int tasks) {
        gate.release(tasks);
    }

    /** Lets the task with this text answer (now, or when it comes), the others still waiting. */
    void release(String text) {
        released.add(text);
    }

    /** Every task answers at once from now on, those waiting included. */
    void open() {
        Semaphore g = gate;
        gate = null;
        if (g != null) {
            g.release(100_000);
        }
    }

    int runs(String text) {
        AtomicInteger n = runs.get(text);
        return n == null ? 0 : n.get();
    }

    /** Waits until a task with this text waits for its permit here. */
    void awaitWaiting(String text) {
        try {
            eventually("task '" + text + "' waiting in this agent", DEADLINE, () -> Set.copyOf(waiting),
                    now -> now.contains(text));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; runs: " + runs, e);
        }
    }

    /** Waits until {@code count} tasks whose text starts with {@code prefix} wait here at once; returns their texts. */
    Set<String> awaitWaiting(int count, String prefix) {
        try {
            return eventually(count + " tasks '" + prefix + "...' waiting in this agent", DEADLINE,
                    () -> waiting.stream().filter(t -> t.startsWith(prefix))
                            .collect(Collectors.toSet()), now -> now.size() >= count);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; waiting: " + waiting + ", runs: " + runs, e);
        }
    }

    /** Generous: how long a test waits for what the queue does, on a loaded machine. */
    static final Duration DEADLINE = Duration.ofSeconds(120);

    @Override
    public Outcome run(TaskSpec spec, StepListener listener) {
        runs.computeIfAbsent(spec.text(), t -> new AtomicInteger()).incrementAndGet();
        UUID caseId = UUID.randomUUID();
        picked.put(spec.text(), caseId);
        List<Step.CasesSelected.Pick> picks = List.of(new Step.CasesSelected.Pick(caseId, 0.9, "positive",
                "an earlier task", "positive", 0, 0));
        listener.on(new Step.CasesSelected("similarity", picks, 1));
        listener.on(new Step.Planned(1, "{\"subtasks\":[\"wait\"]}", List.of("wait"), 10, 1));
        Semaphore g = gate;
        try {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (g != null) {
                waiting.add(spec.text());
                while (!released.contains(spec.text()) && !g.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    // waits for a permit, or for this task to be released by its text
                }
            }
        } catch (InterruptedException e) {
            interrupted.add(spec.text());
            listener.on(new Step.Stopped("cancelled", "the task was cancelled", 0));
            return new Outcome.Failed("cancelled", "the task was cancelled", picks, 10);
        } finally {
            waiting.remove(spec.text());
        }
        listener.on(new Step.Answered("done: " + spec.text(), "done: " + spec.text(), false, 5, 1));
        return new Outcome.Answered("done: " + spec.text(), false, null, picks, 15);
    }
}
