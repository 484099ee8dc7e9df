package dev.casebook.server.evaluation;

import dev.casebook.server.batch.BatchRunner;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import dev.casebook.server.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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

/** Batch evaluation runs of the caller's tenant: create, follow, cancel, resume, results, curves, comparisons. */
@Tag(name = "Evaluation", description = "Batch evaluation runs of the agent over datasets, with scores,"
        + " aggregates, learning curves and comparisons")
@RestController
@RequestMapping("/api/evaluations")
class RunsController {
    private final RunCreation creation;
    private final RunRecords records;
    private final RunReports reports;
    private final EvaluationRunner runner;
    private final RunEvents events;

    RunsController(RunCreation creation, RunRecords records, RunReports reports, EvaluationRunner runner, RunEvents events) {
        this.creation = creation;
        this.records = records;
        this.reports = reports;
        this.runner = runner;
        this.events = events;
    }

    @PostMapping("/runs")
    @Operation(summary = "Start an evaluation run",
            description = "Runs the agent over a dataset (its items x attempts x epochs) in the background and scores "
            + "every answer; 201 with the run")
    ResponseEntity<RunViews.Run> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                                         @RequestBody RunRequest request) {
        RunRecords.Run run = InvalidRequestException.whenInvalid(() -> creation.create(tenant, request));
        return ResponseEntity.status(HttpStatus.CREATED).header(HttpHeaders.LOCATION, "/api/evaluations/runs/" + run.id())
                .body(reports.view(records.find(run.id()).orElseThrow()));
    }

    @GetMapping("/runs")
    @Operation(summary = "The tenant's evaluation runs, newest first")
    List<RunViews.Run> list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                           @RequestParam(defaultValue = "50") int limit) {
        return records.list(tenant, BatchRunner.listLimit(limit)).stream().map(reports::view).toList();
    }

    @GetMapping("/runs/{id}")
    @Operation(summary = "An evaluation run's progress",
            description = "items done of the total, running, pending, accuracy so far, estimated time left, tokens "
            + "spent")
    RunViews.Run get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.view(run(tenant, id));
    }

    @GetMapping("/runs/{id}/events")
    @Operation(summary = "An evaluation run's progress as server-sent events",
            description = "progress (the run) on every change, then end with the status")
    SseEmitter events(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return events.stream(run(tenant, id).id());
    }

    @PostMapping("/runs/{id}/cancel")
    @Operation(summary = "Cancel a queued or running evaluation run",
            description = "running items are interrupted and run again on resume")
    RunViews.Run cancel(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        runner.cancel(run.id(), run.status());
        return reports.view(records.find(run.id()).orElseThrow());
    }

    @PostMapping("/runs/{id}/resume")
    @Operation(summary = "Resume a cancelled or failed evaluation run", description = "finished items are not redone")
    RunViews.Run resume(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        creation.resume(run);
        return reports.view(records.find(run.id()).orElseThrow());
    }

    @GetMapping("/runs/{id}/items")
    @Operation(summary = "A page of an evaluation run's items",
            description = "every item as far as it got: prediction, outcome, scores, tokens, selected cases")
    RunViews.ItemPage items(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
                            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw ApiException.badRequest("parameters 'page' must be 0 or more and 'size' within [1, 500], were " + page + " and " + size);
        }
        RunRecords.Run run = run(tenant, id);
        return new RunViews.ItemPage(records.items(run.id(), Paging.offset(page, size), size).stream()
                .map(RunReports::itemView).toList(), page, size, run.totalItems());
    }

    @GetMapping("/runs/{id}/results")
    @Operation(summary = "An evaluation run's results",
            description = "the run, its aggregates per epoch and group (pass@1, pass@k, per scorer) and its finished "
            + "items")
    RunViews.Results results(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.results(run(tenant, id));
    }

    @GetMapping("/runs/{id}/results.csv")
    @Operation(summary = "An evaluation run's finished items as CSV",
            description = "one line per item with every scorer's verdict and value")
    ResponseEntity<String> csv(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"run-" + run.id() + ".csv\"")
                .body(reports.csv(run));
    }

    @GetMapping(path = "/runs/{id}/gaia-submission")
    @Operation(summary = "A GAIA leaderboard submission of the run",
            description = "JSON lines of the first attempt of each task in the last epoch")
    ResponseEntity<String> gaiaSubmission(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"gaia-submission-" + run.id() + ".jsonl\"")
                .body(reports.gaiaSubmission(run));
    }

    @GetMapping("/runs/{id}/curve")
    @Operation(summary = "An evaluation run's learning curve",
            description = "accuracy over the episodes, running and over a sliding window, and pass@1 per epoch")
    RunViews.Curve curve(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
                         @RequestParam(defaultValue = "20") int window) {
        if (window < 1) {
            throw ApiException.badRequest("parameter 'window' must be at least 1, was " + window);
        }
        return reports.curve(run(tenant, id), window);
    }

    @GetMapping("/compare")
    @Operation(summary = "Compare two evaluation runs",
            description = "the last epochs' aggregates of runs a and b, their differences (b - a), and which "
            + "questions each solved")
    RunViews.Comparison compare(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @RequestParam String a,
                                @RequestParam String b) {
        return reports.compare(run(tenant, a), run(tenant, b));
    }

    private RunRecords.Run run(String tenant, String id) {
        return records.find(tenant, id).orElseThrow(() -> ApiException.notFound("evaluation run", id));
    }
}
