package dev.casebook.server.evaluation;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A run's progress as server-sent events: a {@code progress} event (the run view: done/total, accuracy, ETA) at once
 * and whenever it changes, then {@code end} when the run is at rest. Read from the database, so any replica can
 * stream any run.
 */
@Component
class RunEvents {
    private static final long POLL_MILLIS = 250;

    private final RunRecords records;
    private final RunReports reports;

    RunEvents(RunRecords records, RunReports reports) {
        this.records = records;
        this.reports = reports;
    }

    SseEmitter stream(String runId) {
        SseEmitter emitter = new SseEmitter(0L);
        Thread.ofVirtual().name("eval-events-" + runId).start(() -> {
            Object last = null;
            try {
                while (true) {
                    RunRecords.Run run = records.find(runId).orElseThrow();
                    Map<String, Object> view = reports.view(run);
                    Object key = java.util.List.of(view.get("status"), view.get("done"), view.get("running"));
                    if (!Objects.equals(key, last)) {
                        emitter.send(SseEmitter.event().name("progress").data(view));
                        last = key;
                    }
                    if (run.status().terminal()) {
                        emitter.send(SseEmitter.event().name("end").data(Map.of("status", run.status().wire())));
                        emitter.complete();
                        return;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
            } catch (IOException | IllegalStateException e) {
                emitter.completeWithError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                emitter.complete();
            }
        });
        return emitter;
    }
}
