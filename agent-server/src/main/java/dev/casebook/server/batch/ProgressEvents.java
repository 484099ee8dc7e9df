package dev.casebook.server.batch;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A batch run's progress as server-sent events: a {@code progress} event (the run's view) at once and whenever it
 * changes, then {@code end} with the status when the run is at rest. Polled from the database, so any replica can
 * stream any run.
 */
public final class ProgressEvents {
    static final long POLL_MILLIS = 250;

    private ProgressEvents() {
    }

    /**
     * One poll of the run.
     *
     * @param view     the run as GET shows it, sent as the {@code progress} event
     * @param key      what must change for another {@code progress} event to be sent
     * @param status   the run's status; once it is terminal, {@code end} is sent with it and the stream ends
     */
    public record Snapshot(JobView view, Object key, RunStatus status) {
        public Snapshot {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(status, "status");
        }
    }

    /** Streams on a virtual thread named {@code name}; {@code poll} may throw when the run is gone (the stream fails). */
    public static SseEmitter stream(String name, Supplier<Snapshot> poll) {
        SseEmitter emitter = new SseEmitter(0L);
        Thread.ofVirtual().name(name).start(() -> {
            Object last = null;
            try {
                while (true) {
                    Snapshot snapshot = poll.get();
                    if (!Objects.equals(snapshot.key(), last)) {
                        emitter.send(SseEmitter.event().name("progress").data(snapshot.view()));
                        last = snapshot.key();
                    }
                    if (snapshot.status().terminal()) {
                        emitter.send(SseEmitter.event().name("end").data(Map.of("status", snapshot.status().wire())));
                        emitter.complete();
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (IOException | RuntimeException e) {
                emitter.completeWithError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.complete();
            }
        });
        return emitter;
    }
}
