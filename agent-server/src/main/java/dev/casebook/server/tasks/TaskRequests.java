package dev.casebook.server.tasks;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** Bodies the task endpoints accept. Unknown fields are rejected (application.yaml). */
final class TaskRequests {
    private TaskRequests() {
    }

    record Create(String text, String memoryMode, String policy, BudgetsBody budgets, List<String> attachments,
            @Schema(description = "the case bank a read-write task writes its case to (default 'default'; created if"
                    + " new); a read-only bank is refused with 409") String bank,
            @Schema(description = "the banks its cases are selected from (default: every bank of the tenant); names"
                    + " of no bank yet select nothing") List<String> banks) {
    }

    record BudgetsBody(Integer plannerIterations, Integer executorSteps, Long tokens, Long wallSeconds) {
    }

    record Feedback(Double reward, String correctAnswer) {
    }
}
