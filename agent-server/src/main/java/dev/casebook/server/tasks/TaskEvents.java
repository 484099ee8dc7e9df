package dev.casebook.server.tasks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events of tasks. A task's first attempt running on this instance is "live": its steps are kept until
 * it ends and every subscriber first gets the steps so far, then new ones, then {@code end}. A task that is not live
 * here (queued, ended, running on another replica, or running again after its server stopped) is replayed from the
 * run records, polling them until the task ends: every attempt's steps in seq order, a {@code restarted} step
 * between them.
 */
@Component
class TaskEvents {
    private static final long POLL_MILLIS = 250;
    private static final int END = -1;
    private static final int ABANDONED = -2;

    private final ConcurrentMap<String, Live> live = new ConcurrentHashMap<>();
    private final TaskRecords records;

    TaskEvents(TaskRecords records) {
        this.records = records;
    }

    void open(String id) {
        live.putIfAbsent(id, new Live());
    }

    void publish(String id, int seq, String type, Object step) {
        Live l = live.get(id);
        if (l == null) {
            return;
        }
        l.lock.lock();
        try {
            Event e = new Event(seq, type, step);
            l.past.add(e);
            l.subscribers.removeIf(sub -> !sub.queue.offer(e));
        } finally {
            l.lock.unlock();
        }
    }

    /** Live subscribers of a task on this instance (0 when the task is not live here). */
    int subscribers(String id) {
        Live l = live.get(id);
        if (l == null) {
            return 0;
        }
        l.lock.lock();
        try {
            return l.subscribers.size();
        } finally {
            l.lock.unlock();
        }
    }

    void end(String id, String status) {
        Live l = live.remove(id);
        if (l == null) {
            return;
        }
        l.lock.lock();
        try {
            l.ended = true;
            for (Subscriber sub : l.subscribers) {
                sub.queue.offer(new Event(END, "end", status));
            }
            l.subscribers.clear();
        } finally {
            l.lock.unlock();
        }
    }

    /**
     * The task stopped here without an outcome (its claim was lost or given back): live subscribers' streams close
     * without {@code end}, so clients reconnect and follow it from the run records, wherever it runs next.
     */
    void abandon(String id) {
        Live l = live.remove(id);
        if (l == null) {
            return;
        }
        l.lock.lock();
        try {
            l.ended = true;
            for (Subscriber sub : l.subscribers) {
                sub.queue.offer(new Event(ABANDONED, "abandoned", null));
            }
            l.subscribers.clear();
        } finally {
            l.lock.unlock();
        }
    }

    SseEmitter subscribe(String tenant, String id) {
        SseEmitter emitter = new SseEmitter(0L);
        Live l = live.get(id);
        if (l != null) {
            l.lock.lock();
            try {
                if (!l.ended) {
                    Subscriber sub = new Subscriber(emitter, new LinkedBlockingQueue<>());
                    sub.queue.addAll(l.past);
                    l.subscribers.add(sub);
                    Thread.ofVirtual().name("sse-" + id).start(sub::drain);
                    return emitter;
                }
            } finally {
                l.lock.unlock();
            }
        }
        Thread.ofVirtual().name("sse-replay-" + id).start(() -> replay(tenant, id, emitter));
        return emitter;
    }

    private void replay(String tenant, String id, SseEmitter emitter) {
        int last = 0;
        try {
            while (true) {
                TaskView task = records.get(tenant, id);
                for (Object step : records.steps(id, last)) {
                    var node = (tools.jackson.databind.node.ObjectNode) step;
                    last = node.get("seq").asInt();
                    if (!send(emitter, new Event(last, node.get("type").asString(), node))) {
                        return;
                    }
                }
                if (TaskStatus.parse(task.status()).finished()) {
                    sendEnd(emitter, task.status());
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            emitter.completeWithError(e);
        }
    }

    private static boolean send(SseEmitter emitter, Event e) {
        try {
            emitter.send(SseEmitter.event().id(Integer.toString(e.seq)).name(e.type)
                    .data(e.step, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException ex) {
            emitter.completeWithError(ex);
            return false;
        }
    }

    private static void sendEnd(SseEmitter emitter, String status) {
        try {
            emitter.send(SseEmitter.event().name("end").data(java.util.Map.of("status", status),
                    MediaType.APPLICATION_JSON));
            emitter.complete();
        } catch (IOException | IllegalStateException ex) {
            emitter.completeWithError(ex);
        }
    }

    private record Event(int seq, String type, Object step) {
    }

    /**
     * A live subscriber: events are queued by the task's thread and sent by the subscriber's own virtual thread,
     * so a slow client never holds up the task.
     */
    private record Subscriber(SseEmitter emitter, BlockingQueue<Event> queue) {
        void drain() {
            try {
                while (true) {
                    Event e = queue.take();
                    if (e.seq() == ABANDONED) {
                        emitter.complete();
                        return;
                    }
                    if (e.seq() == END) {
                        sendEnd(emitter, (String) e.step());
                        return;
                    }
                    if (!send(emitter, e)) {
                        return;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                emitter.complete();
            }
        }
    }

    private static final class Live {
        final ReentrantLock lock = new ReentrantLock();
        final List<Event> past = new ArrayList<>();
        final List<Subscriber> subscribers = new ArrayList<>();
        boolean ended;
    }
}
