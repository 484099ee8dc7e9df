package dev.casebook.server.tasks;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import tools.jackson.databind.node.ObjectNode;

/**
 * A task followed through its run records, polled every {@value #POLL_MILLIS} ms until it ended: every attempt's
 * steps in seq order, a {@code restarted} step between them. The task's status is read before its steps, so the
 * steps read after it ended are all of them.
 */
final class ReplayFeed implements TaskFeed {
    static final long POLL_MILLIS = 250;

    private final TaskQueries records;
    private final String tenant;
    private final String id;
    private final Deque<Event> pending = new ArrayDeque<>();
    private int last;
    private Ended ended;
    private volatile boolean closed;

    ReplayFeed(TaskQueries records, String tenant, String id) {
        this.records = records;
        this.tenant = tenant;
        this.id = id;
    }

    @Override
    public Event next(Duration timeout) throws InterruptedException {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (!closed) {
            if (!pending.isEmpty()) {
                return pending.poll();
            }
            if (ended != null) {
                return ended;
            }
            read();
            if (pending.isEmpty() && ended == null) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                Thread.sleep(Math.min(POLL_MILLIS, left));
            }
        }
        return null;
    }

    private void read() {
        TaskView task = records.get(tenant, id);
        for (Object step : records.steps(id, last)) {
            ObjectNode node = (ObjectNode) step;
            last = node.get("seq").asInt();
            pending.add(new StepEvent(last, node.get("type").asString(), node));
        }
        if (TaskStatus.parse(task.status()).finished()) {
            ended = new Ended(task.status());
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
