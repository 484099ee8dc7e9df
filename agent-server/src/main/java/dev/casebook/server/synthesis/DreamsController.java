package dev.casebook.server.synthesis;

import dev.casebook.server.batch.BatchRunner;
import dev.casebook.server.batch.ProgressEvents;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Dream jobs of the caller's tenant: create, follow, cancel, resume, results. */
@RestController
@RequestMapping("/api/synthesis/dreams")
@Tag(name = "Experience synthesis", description = "Dream rollouts against the experience model, with a curriculum")
class DreamsController {
    private final DreamCreation creation;
    private final DreamRecords records;
    private final DreamReports reports;
    private final DreamRunner runner;

    DreamsController(DreamCreation creation, DreamRecords records, DreamReports reports, DreamRunner runner) {
        this.creation = creation;
        this.records = records;
        this.reports = reports;
        this.runner = runner;
    }

    @PostMapping
    @Operation(summary = "Start a dream job", description = "Rollouts of the given or recorded tasks whose tool calls "
            + "the experience model answers; 202 with the job, which runs in the background")
    ResponseEntity<DreamViews.Job> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody DreamRequest request) {
        DreamRecords.Job job = InvalidRequestException.whenInvalid(() -> creation.create(tenant, request));
        return ResponseEntity.status(HttpStatus.ACCEPTED).header(HttpHeaders.LOCATION, "/api/synthesis/dreams/"
                + job.id()).body(reports.view(records.find(job.id()).orElseThrow()));
    }

    @GetMapping
    @Operation(summary = "The tenant's dream jobs, newest first")
    List<DreamViews.Job> list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestParam(defaultValue = "50") int limit) {
        return records.list(tenant, BatchRunner.listLimit(limit)).stream().map(reports::view).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "A dream job's progress", description = "rollouts done of the total so far, mean reward")
    DreamViews.Job get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.view(job(tenant, id));
    }

    @GetMapping("/{id}/events")
    @Operation(summary = "A dream job's progress as server-sent events", description = "progress on every change, "
            + "then end")
    SseEmitter events(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        String jobId = job(tenant, id).id();
        return ProgressEvents.stream("dream-events-" + jobId, () -> {
            DreamRecords.Job job = records.find(jobId).orElseThrow();
            DreamViews.Job view = reports.view(job);
            return new ProgressEvents.Snapshot(view, List.of(view.status(), view.done(), view.running(), view.total()),
                    job.status());
        });
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a dream job", description = "running rollouts are interrupted and run again on resume")
    DreamViews.Job cancel(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        DreamRecords.Job job = job(tenant, id);
        runner.cancel(job.id(), job.status());
        return reports.view(records.find(job.id()).orElseThrow());
    }

    @PostMapping("/{id}/resume")
    @Operation(summary = "Resume a cancelled or failed dream job")
    DreamViews.Job resume(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        DreamRecords.Job job = job(tenant, id);
        creation.resume(job);
        return reports.view(records.find(job.id()).orElseThrow());
    }

    @GetMapping("/{id}/results")
    @Operation(summary = "A dream job's results", description = "per task its rollouts' success rate, per rollout its "
            + "task, reward, task record and case, per curriculum round what it varied")
    DreamViews.Results results(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.results(job(tenant, id));
    }

    private DreamRecords.Job job(String tenant, String id) {
        return records.find(tenant, id).orElseThrow(() -> ApiException.notFound("dream job", id));
    }
}
