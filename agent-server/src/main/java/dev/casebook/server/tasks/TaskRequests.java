package dev.casebook.server.tasks;

import java.util.List;

/** Bodies the task endpoints accept. Unknown fields are rejected (application.yaml). */
final class TaskRequests {
    private TaskRequests() {
    }

    record Create(String text, String memoryMode, String policy, BudgetsBody budgets, List<String> attachments,
            String bank, List<String> banks) {
    }

    record BudgetsBody(Integer plannerIterations, Integer executorSteps, Long tokens, Long wallSeconds) {
    }

    record Feedback(Double reward, String correctAnswer) {
    }
}
