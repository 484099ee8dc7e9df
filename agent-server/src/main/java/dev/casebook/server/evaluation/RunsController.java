package dev.casebook.server.evaluation;

import dev.casebook.server.batch.BatchRunner;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import dev.casebook.server.web.Paging;
import java.util.List;
import java.util.Map;
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
    ResponseEntity<Map<String, Object>> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                                               @RequestBody RunRequest request) {
        RunRecords.Run run = InvalidRequestException.whenInvalid(() -> creation.create(tenant, request));
        return ResponseEntity.status(HttpStatus.CREATED).header(HttpHeaders.LOCATION, "/api/evaluations/runs/" + run.id())
                .body(reports.view(records.find(run.id()).orElseThrow()));
    }

    @GetMapping("/runs")
    List<Map<String, Object>> list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
                                   @RequestParam(defaultValue = "50") int limit) {
        return records.list(tenant, BatchRunner.listLimit(limit)).stream().map(reports::view).toList();
    }

    @GetMapping("/runs/{id}")
    Map<String, Object> get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.view(run(tenant, id));
    }

    @GetMapping("/runs/{id}/events")
    SseEmitter events(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return events.stream(run(tenant, id).id());
    }

    @PostMapping("/runs/{id}/cancel")
    Map<String, Object> cancel(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        runner.cancel(run.id(), run.status());
        return reports.view(records.find(run.id()).orElseThrow());
    }

    @PostMapping("/runs/{id}/resume")
    Map<String, Object> resume(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        creation.resume(run);
        return reports.view(records.find(run.id()).orElseThrow());
    }

    @GetMapping("/runs/{id}/items")
    Map<String, Object> items(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
                              @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        if (page < 0 || size < 1 || size > 500) {
            throw ApiException.badRequest("parameters 'page' must be 0 or more and 'size' within [1, 500], were " + page + " and " + size);
        }
        RunRecords.Run run = run(tenant, id);
        return Map.of("items", records.items(run.id(), Paging.offset(page, size), size).stream().map(RunReports::itemView).toList(),
                "page", page, "size", size, "total", run.totalItems());
    }

    @GetMapping("/runs/{id}/results")
    Map<String, Object> results(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return reports.results(run(tenant, id));
    }

    @GetMapping("/runs/{id}/results.csv")
    ResponseEntity<String> csv(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"run-" + run.id() + ".csv\"")
                .body(reports.csv(run));
    }

    @GetMapping(path = "/runs/{id}/gaia-submission")
    ResponseEntity<String> gaiaSubmission(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        RunRecords.Run run = run(tenant, id);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-ndjson"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"gaia-submission-" + run.id() + ".jsonl\"")
                .body(reports.gaiaSubmission(run));
    }

    @GetMapping("/runs/{id}/curve")
    Map<String, Object> curve(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
                              @RequestParam(defaultValue = "20") int window) {
        if (window < 1) {
            throw ApiException.badRequest("parameter 'window' must be at least 1, was " + window);
        }
        return reports.curve(run(tenant, id), window);
    }

    @GetMapping("/compare")
    Map<String, Object> compare(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @RequestParam String a,
                                @RequestParam String b) {
        return reports.compare(run(tenant, a), run(tenant, b));
    }

    private RunRecords.Run run(String tenant, String id) {
        return records.find(tenant, id).orElseThrow(() -> ApiException.notFound("evaluation run", id));
    }
}
