package dev.casebook.server.sandboxtasks;

import dev.casebook.server.batch.BatchRunner;
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

/** Sandbox task jobs of the caller's tenant: create, follow, cancel, resume, results. */
@RestController
@RequestMapping("/api/synthesis/sandbox-tasks")
@Tag(name = "Task synthesis", description = "Generated tasks with executable validators, rolled out by the agent in"
        + " a sandbox, with a curriculum at the edge of what it can do")
class SandboxTasksController {
    private final JobCreation creation;
    private final SandboxTaskRecords records;
    private final JobReports reports;
    private final SandboxTaskRunner runner;

    SandboxTasksController(JobCreation creation, SandboxTaskRecords records, JobReports reports,
                           SandboxTaskRunner runner) {
        this.creation = creation;
        this.records = records;
        this.reports = reports;
        this.runner = runner;
    }

    @PostMapping
    @Operation(summary = "Start a sandbox task job", description = "Tasks of a domain generated with validators and "
            + "reference solutions, kept when the validator passes the reference and fails a no-op, then rolled out "
            + "by the agent; 202 with the job, which runs in the background")
    ResponseEntity<JobViews.Job> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                                               @RequestBody JobRequest request) {
        SandboxTaskRecords.Job job = InvalidRequestException.whenInvalid(() -> creation.create(tenant, request));
        return ResponseEntity.status(HttpStatus.ACCEPTED)
                .header(HttpHeaders.LOCATION, "/api/synthesis/sandbox-tasks/" + job.id())
                .body(reports.view(records.find(job.id()).orElseThrow()));
    }

    @GetMapping
    @Operation(summary = "The tenant's sandbox task jobs, newest first")
    List<JobViews.Job> list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                                   @RequestParam(defaultValue = "50") int limit) {
        return records.list(tenant, BatchRunner.listLimit(limit)).stream().map(reports::view).toList();
    }

    @GetMapping("/{id}")
    @Operation(summary = "A sandbox task job's progress", description = "generated, kept and discarded tasks (with "
            + "reasons), rollouts and their success rate, success per difficulty level and the curriculum's rounds")
    JobViews.Job get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.view(job(tenant, id));
    }

    @GetMapping("/{id}/events")
    @Operation(summary = "A sandbox task job's progress as server-sent events", description = "progress on every "
            + "change, then end")
    SseEmitter events(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.events(job(tenant, id).id());
    }

    @GetMapping("/{id}/results")
    @Operation(summary = "A sandbox task job's tasks and rollouts", description = "the progress, every generated "
            + "task with its programs and why it was kept or discarded, every rollout with its reward, the "
            + "validator's output and the lesson of a failure")
    JobViews.Results results(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.results(job(tenant, id));
    }

    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a queued or running job", description = "running items are interrupted and "
            + "recorded as not done")
    JobViews.Job cancel(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        SandboxTaskRecords.Job job = job(tenant, id);
        runner.cancel(job.id(), job.status());
        return reports.view(records.find(job.id()).orElseThrow());
    }

    @PostMapping("/{id}/resume")
    @Operation(summary = "Resume a cancelled or failed job", description = "finished generations and rollouts are "
            + "not redone")
    JobViews.Job resume(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        SandboxTaskRecords.Job job = job(tenant, id);
        creation.resume(job);
        return reports.view(records.find(job.id()).orElseThrow());
    }

    private SandboxTaskRecords.Job job(String tenant, String id) {
        return records.find(tenant, id).orElseThrow(() -> ApiException.notFound("sandbox task job", id));
    }
}
