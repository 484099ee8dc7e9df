package dev.casebook.server.synthesis;

import dev.casebook.server.security.CurrentTenant;
import dev.casebook.server.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The caller's tenant's replay buffer of real transitions: what it holds, and what grounds a given call. */
@RestController
@RequestMapping("/api/synthesis/replay")
@Tag(name = "Experience synthesis")
class ReplayController {
    private final ReplayTransitions buffer;

    ReplayController(ReplayTransitions buffer) {
        this.buffer = buffer;
    }

    /** The body of {@code POST /api/synthesis/replay/search}: a call of a task, and how many transitions to find. */
    record Search(String task, String tool, String arguments, Integer k) {
    }

    @GetMapping
    @Operation(summary = "What the replay buffer holds", description = "transitions, the tasks they came from, and "
            + "transitions per tool")
    ReplayRecords.Stats stats(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant) {
        return buffer.stats(tenant);
    }

    @PostMapping("/search")
    @Operation(summary = "The real transitions most like a call", description = "what the experience model is shown "
            + "as grounding for this call of this task")
    List<Map<String, Object>> search(@RequestAttribute(CurrentTenant.ATTRIBUTE) String tenant,
            @RequestBody Search search) {
        if (search.task() == null || search.task().isBlank() || search.tool() == null || search.tool().isBlank()) {
            throw ApiException.badRequest("fields 'task' and 'tool' are required: the task and the tool it calls");
        }
        int k = search.k() == null ? 4 : search.k();
        if (k < 1 || k > 50) {
            throw ApiException.badRequest("field 'k' must be within [1, 50], was " + k);
        }
        String arguments = search.arguments() == null ? "{}" : search.arguments();
        return buffer.similar(tenant, search.task(), search.tool(), arguments, k).stream().map(t -> Map.<String, Object>of(
                "id", t.id(), "taskId", t.taskId(), "task", t.task(), "history", t.history(), "tool", t.tool(),
                "arguments", t.arguments(), "observation", t.observation(), "ok", t.ok())).toList();
    }
}
