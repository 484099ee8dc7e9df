package dev.casebook.server.evaluation;

import dev.casebook.server.batch.ProgressEvents;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A run's progress as server-sent events ({@link ProgressEvents}): a {@code progress} event (the run view: done/total,
 * accuracy, ETA) at once and whenever its status or counts change, then {@code end} when the run is at rest.
 */
@Component
class RunEvents {
    private final RunRecords records;
    private final RunReports reports;

    RunEvents(RunRecords records, RunReports reports) {
        this.records = records;
        this.reports = reports;
    }

    SseEmitter stream(String runId) {
        return ProgressEvents.stream("eval-events-" + runId, () -> {
            RunRecords.Run run = records.find(runId).orElseThrow();
            RunViews.Run view = reports.view(run);
            return new ProgressEvents.Snapshot(view, List.of(view.status(), view.done(), view.running()),
                    run.status());
        });
    }
}
