package dev.casebook.server.tasks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Events of tasks, to follow in process ({@link #follow}) or as server-sent events ({@link #subscribe}). A task's
 * first attempt running on this instance is "live": its steps are kept until it ends and every follower first gets
 * the steps so far, then new ones, then the end. A task that is not live here (queued, ended, running on another
 * replica, or running again after its server stopped) is followed through the run records ({@link ReplayFeed}).
 */
@Component
public class TaskEvents {
    private final ConcurrentMap<String, Live> live = new ConcurrentHashMap<>();
    private final TaskQueries records;
    /** The application's JSON mapper, the one Spring's JSON converter writes SSE data with. */
    private final ObjectMapper json;

    TaskEvents(TaskQueries records, ObjectMapper json) {
        this.records = records;
        this.json = json;
    }

    void open(String id) {
        live.putIfAbsent(id, new Live());
    }

    void publish(String id, int seq, String type, ObjectNode step) {
        Live l = live.get(id);
        if (l == null) {
            return;
        }
        l.lock.lock();
        try {
            TaskFeed.Event e = new TaskFeed.StepEvent(seq, type, step);
            l.past.add(e);
            l.followers.forEach(f -> f.queue.add(e));
        } finally {
            l.lock.unlock();
        }
    }

    /** Live followers of a task on this instance (0 when the task is not live here). */
    int subscribers(String id) {
        Live l = live.get(id);
        if (l == null) {
            return 0;
        }
        l.lock.lock();
        try {
            return l.followers.size();
        } finally {
            l.lock.unlock();
        }
    }

    void end(String id, String status) {
        close(id, new TaskFeed.Ended(status));
    }

    /**
     * The task stopped here without an outcome (its claim was lost or given back): live followers get
     * {@link TaskFeed.Abandoned} (SSE streams close without {@code end}), so clients follow it again from the run
     * records, wherever it runs next.
     */
    void abandon(String id) {
        close(id, new TaskFeed.Abandoned());
    }

    private void close(String id, TaskFeed.Event last) {
        Live l = live.remove(id);
        if (l == null) {
            return;
        }
        l.lock.lock();
        try {
            l.ended = true;
            l.followers.forEach(f -> f.queue.add(last));
            l.followers.clear();
        } finally {
            l.lock.unlock();
        }
    }

    /**
     * Follows the tenant's task from its first step: live when it runs here, else through its run records.
     *
     * @throws dev.casebook.server.web.ApiException 404 when the tenant has no such task
     */
    public TaskFeed follow(String tenant, String id) {
        records.requireExists(tenant, id);
        Live l = live.get(id);
        if (l != null) {
            l.lock.lock();
            try {
                if (!l.ended) {
                    LiveFeed feed = new LiveFeed(l);
                    feed.queue.addAll(l.past);
                    l.followers.add(feed);
                    return feed;
                }
            } finally {
                l.lock.unlock();
            }
        }
        return new ReplayFeed(records, tenant, id);
    }

    /**
     * The task's events as server-sent events: each step named by its type with its seq as id, then {@code end}
     * {@code {status}}. Sent by a virtual thread of the stream's own, so a slow client never holds up the task.
     */
    SseEmitter subscribe(String tenant, String id) {
        SseEmitter emitter = new SseEmitter(0L);
        TaskFeed feed = follow(tenant, id);
        Thread.ofVirtual().name("sse-" + id).start(() -> stream(feed, emitter));
        return emitter;
    }

    /** A step's event as {@link #subscribe} sends it. */
    SseText stepEvent(TaskFeed.StepEvent e) {
        return SseText.of(Integer.toString(e.seq()), e.type(), json.writeValueAsString(e.step()));
    }

    /** The last event of a task that ended, as {@link #subscribe} sends it. */
    SseText endEvent(TaskFeed.Ended e) {
        return SseText.of(null, "end", json.writeValueAsString(Map.of("status", e.status())));
    }

    private void stream(TaskFeed feed, SseEmitter emitter) {
        try (feed) {
            while (true) {
                switch (feed.next(null)) {
                    case TaskFeed.StepEvent e -> emitter.send(stepEvent(e));
                    case TaskFeed.Ended e -> {
                        emitter.send(endEvent(e));
                        emitter.complete();
                        return;
                    }
                    case TaskFeed.Abandoned a -> {
                        emitter.complete();
                        return;
                    }
                    case null -> throw new IllegalStateException("a feed waited on without a timeout gave nothing");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (IOException | RuntimeException e) {
            emitter.completeWithError(e);
        }
    }

    /** A live follower: events are queued by the task's thread and taken by the follower's. */
    private static final class LiveFeed implements TaskFeed {
        final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        private final Live live;
        private volatile Event last;

        LiveFeed(Live live) {
            this.live = live;
        }

        @Override
        public Event next(Duration timeout) throws InterruptedException {
            if (last != null) {
                return last;
            }
            Event e = timeout == null ? queue.take() : queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (e instanceof Ended || e instanceof Abandoned) {
                last = e;
            }
            return e;
        }

        @Override
        public void close() {
            live.lock.lock();
            try {
                live.followers.remove(this);
            } finally {
                live.lock.unlock();
            }
        }
    }

    private static final class Live {
        final ReentrantLock lock = new ReentrantLock();
        final List<TaskFeed.Event> past = new ArrayList<>();
        final List<LiveFeed> followers = new ArrayList<>();
        boolean ended;
    }
}
