package dev.casebook.server.tasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.MemoryMode;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.Paging;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
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

/** Tasks: create, read, list, cancel, feedback, steps, and the event stream. Every call is scoped to the tenant. */
@RestController
@RequestMapping("/api/tasks")
class TasksController {
    private final TaskRecords records;
    private final TaskRunner runner;
    private final TaskClaims claims;
    private final TaskEvents events;
    private final TaskSettings settings;
    private final AttachmentLookup attachments;
    private final TaskFeedback feedback;

    TasksController(TaskRecords records, TaskRunner runner, TaskClaims claims, TaskEvents events,
            TaskSettings settings, AttachmentLookup attachments, TaskFeedback feedback) {
        this.records = records;
        this.runner = runner;
        this.claims = claims;
        this.events = events;
        this.settings = settings;
        this.attachments = attachments;
        this.feedback = feedback;
    }

    @PostMapping
    ResponseEntity<TaskView> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody TaskRequests.Create body) {
        if (body.text() == null || body.text().isBlank()) {
            throw ApiException.badRequest("field 'text' must not be empty: the task to work on");
        }
        if (body.text().length() > settings.maxTextChars()) {
            throw ApiException.badRequest("field 'text' has " + body.text().length()
                    + " characters, more than the limit of " + settings.maxTextChars());
        }
        MemoryMode mode = body.memoryMode() == null ? MemoryMode.READ_WRITE : MemoryMode.parse(body.memoryMode());
        List<String> ids = Objects.requireNonNullElse(body.attachments(), List.of());
        List<Path> files = new ArrayList<>();
        for (String id : ids) {
            files.add(attachments.path(tenant, id)
                    .orElseThrow(() -> ApiException.badRequest("no attachment with id '" + id + "'")));
        }
        TaskSpec spec = new TaskSpec(UUID.randomUUID().toString(), tenant, body.text(), files, mode, body.policy(),
                budgets(body.budgets()), "", null, null);
        runner.submit(spec, ids);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(records.get(tenant, spec.id()));
    }

    private static Budgets budgets(TaskRequests.BudgetsBody b) {
        Budgets d = Budgets.DEFAULT;
        if (b == null) {
            return d;
        }
        return new Budgets(
                b.plannerIterations() == null ? d.plannerIterations() : b.plannerIterations(),
                b.executorSteps() == null ? d.executorSteps() : b.executorSteps(),
                b.tokens() == null ? d.maxTokens() : b.tokens(),
                b.wallSeconds() == null ? d.wallTime() : Duration.ofSeconds(b.wallSeconds()));
    }

    @GetMapping("/{id}")
    TaskView get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return records.get(tenant, id);
    }

    @GetMapping
    TaskPage list(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestParam(required = false) String status, @RequestParam(required = false) String source,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        if (page < 0) {
            throw ApiException.badRequest("parameter 'page' must be 0 or more, was " + page);
        }
        if (size < 1 || size > settings.maxPageSize()) {
            throw ApiException.badRequest(
                    "parameter 'size' must be within [1, " + settings.maxPageSize() + "], was " + size);
        }
        Paging.offset(page, size);
        CaseSource from;
        try {
            from = source == null || source.isBlank() ? null : CaseSource.parse(source);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("parameter 'source': " + e.getMessage());
        }
        return records.list(tenant, status == null || status.isBlank() ? null : TaskStatus.parse(status), from, page,
                size);
    }

    /**
     * Cancels the task wherever it is: a queued one at once; a running one is interrupted here when it runs here,
     * else its cancel is requested and the instance running it interrupts it within a poll interval (the answer is
     * then still {@code running}, with {@code cancelRequestedAt}).
     */
    @PostMapping("/{id}/cancel")
    ResponseEntity<TaskView> cancel(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @PathVariable String id) {
        for (int round = 0; round < 3; round++) { // a task may move between queued and running meanwhile
            TaskView task = records.get(tenant, id);
            if (TaskStatus.parse(task.status()).finished()) {
                throw ApiException.conflict("task '" + id + "' already ended: " + task.status());
            }
            if (records.cancelQueued(id)) {
                return ResponseEntity.status(HttpStatus.ACCEPTED).body(records.get(tenant, id));
            }
            if (claims.requestCancel(id)) {
                runner.interrupt(id, TaskRunner.Stop.CANCEL);
                return ResponseEntity.status(HttpStatus.ACCEPTED).body(records.get(tenant, id));
            }
        }
        throw ApiException.conflict("task '" + id + "' kept changing state; cancel it again");
    }

    @PostMapping("/{id}/feedback")
    TaskView feedback(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
            @RequestBody TaskRequests.Feedback body) {
        return feedback.give(tenant, id, body);
    }

    @GetMapping("/{id}/steps")
    List<Object> steps(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        records.get(tenant, id);
        return records.steps(id, 0);
    }

    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        records.get(tenant, id);
        return events.subscribe(tenant, id);
    }

}
