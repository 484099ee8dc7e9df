package dev.casebook.server.tasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.Conversation;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import dev.casebook.server.web.InvalidRequestException;
import dev.casebook.server.web.Paging;
import io.swagger.v3.oas.annotations.Operation;
import java.time.Duration;
import java.util.List;
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
    private final TaskQueries records;
    private final TaskSubmission submission;
    private final TaskCancellation cancellation;
    private final TaskEvents events;
    private final TaskSettings settings;
    private final TaskFeedback feedback;

    TasksController(TaskQueries records, TaskSubmission submission, TaskCancellation cancellation,
            TaskEvents events, TaskSettings settings, TaskFeedback feedback) {
        this.records = records;
        this.submission = submission;
        this.cancellation = cancellation;
        this.events = events;
        this.settings = settings;
        this.feedback = feedback;
    }

    @PostMapping
    @Operation(summary = "Submit a task", description = "202 with the task, queued or running; 'memoryMode' off,"
            + " read-only or read-write (default); 'bank' is where a read-write task writes its case (default"
            + " 'default', never a read-only bank: 409), 'banks' the banks its cases are selected from (default all);"
            + " a malformed bank name is 400")
    ResponseEntity<TaskView> create(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody TaskRequests.Create body) {
        MemoryMode mode = body.memoryMode() == null ? MemoryMode.READ_WRITE
                : InvalidRequestException.whenInvalid(() -> MemoryMode.parse(body.memoryMode()));
        Budgets budgets = InvalidRequestException.whenInvalid(() -> budgets(body.budgets()));
        TaskView task = submission.submit(tenant, new TaskSubmission.NewTask(body.text(), mode, body.policy(),
                budgets, body.attachments(), Conversation.NONE, body.bank(), body.banks()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(task);
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
    @Operation(summary = "A task", description = "its status, answer, outcome, reward and the cases it selected")
    TaskView get(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return records.get(tenant, id);
    }

    @GetMapping
    @Operation(summary = "The tenant's tasks, newest first",
            description = "a page, filtered by status and by source (real, synthetic, sandbox, imported)")
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
        TaskStatus in = status == null || status.isBlank() ? null
                : InvalidRequestException.whenInvalid(() -> TaskStatus.parse(status));
        return records.list(tenant, in, from, page, size);
    }

    /** Cancels the task wherever it is ({@link TaskCancellation}). */
    @PostMapping("/{id}/cancel")
    @Operation(summary = "Cancel a task",
            description = "202; a queued task ends cancelled at once, a running one wherever it runs")
    ResponseEntity<TaskView> cancel(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @PathVariable String id) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(cancellation.cancel(tenant, id));
    }

    @PostMapping("/{id}/feedback")
    @Operation(summary = "Rate a task's answer",
            description = "the reward becomes evidence of the task's case and is credited to the cases it selected")
    TaskView feedback(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id,
            @RequestBody TaskRequests.Feedback body) {
        return feedback.give(tenant, id, body);
    }

    @GetMapping("/{id}/steps")
    @Operation(summary = "A task's steps",
            description = "every step recorded so far, in order: cases selected, plans, tool calls, answers")
    List<Object> steps(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        records.requireExists(tenant, id);
        return records.steps(id, 0);
    }

    @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "A task's steps as server-sent events", description = "the task's steps as they are recorded")
    SseEmitter events(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant, @PathVariable String id) {
        return events.subscribe(tenant, id); // 404 when the tenant has no such task
    }

}
