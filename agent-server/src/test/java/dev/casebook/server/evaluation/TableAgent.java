package dev.casebook.server.evaluation;

import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.StepListener;
import dev.casebook.server.agent.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of the agent, not the real one: it answers each question from a table (no LLM, no memory), counts
 * how often each question was asked, keeps the specs it got, and can hold answers back until the test releases
 * them. It lets the runner's bookkeeping (claims, resume, cancel, aggregates) be tested on its own.
 */
final class TableAgent implements Agent {
    final Map<String, String> answers;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final List<TaskSpec> specs = new CopyOnWriteArrayList<>();
    final AtomicInteger finished = new AtomicInteger();
    final Set<String> answered = ConcurrentHashMap.newKeySet();
    private volatile Semaphore gate;

    TableAgent(Map<String, String> answers) {
        this.answers = Map.copyOf(answers);
    }

    /** From now on each answer waits for a permit of {@link #release(int)}. */
    void hold() {
        gate = new Semaphore(0);
    }

    void release(int answers) {
        gate.release(answers);
    }

    void open() {
        Semaphore g = gate;
        gate = null;
        if (g != null) {
            g.release(10_000);
        }
    }

    int calls(String question) {
        AtomicInteger count = calls.get(question);
        return count == null ? 0 : count.get();
    }

    @Override
    public Outcome run(TaskSpec spec, StepListener listener) {
        specs.add(spec);
        calls.computeIfAbsent(spec.text(), q -> new AtomicInteger()).incrementAndGet();
        Semaphore g = gate;
        if (g != null) {
            try {
                g.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome.Failed("cancelled", "interrupted", List.of(), 0);
            }
        }
        finished.incrementAndGet();
        answered.add(spec.text());
        return new Outcome.Answered(answers.getOrDefault(spec.text(), "I do not know"), false, null, List.of(), 100);
    }
}
