package dev.casebook.server.openai;

import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmProblems;
import dev.casebook.server.tasks.TaskView;
import org.springframework.http.HttpStatus;

/**
 * A task that ended without an answer, as an OpenAI error whose code is the task's stop reason. A model call that gave
 * no usable reply answers as a direct model call does ({@link LlmProblems#status}): 503 when the model was unavailable,
 * retries spent ({@code llm_unavailable}), 504 when the task's wall time ran out ({@code budget_time}), 502 when the
 * model refused ({@code llm_rejected}), cut its reply at the token limit ({@code truncated}) or did not fit the prompt
 * in its context window after the agent shrank it ({@code context_window}). 503 when the server has no model
 * ({@code no_model_configured}), 409 when the task was cancelled, 500 for the rest (the agent could not answer:
 * {@code invalid_plan}, {@code no_answer}, {@code budget_tokens}, ...). Only {@code llm_unavailable} is worth a retry;
 * the others carry {@code x-should-retry: false}, which OpenAI's SDKs obey, so a client does not run the same failing
 * task again.
 */
final class TaskFailure {
    private TaskFailure() {
    }

    static OpenAiError error(TaskView task) {
        HttpStatus status = status(task);
        return new OpenAiError(status.value(), message(task), OpenAiError.typeOf(status.value()), null,
                task.reason() == null ? task.status() : task.reason());
    }

    static OpenAiException exception(TaskView task) {
        OpenAiError error = error(task);
        OpenAiException e = new OpenAiException(status(task), null, error.code(), error.message());
        if (!"llm_unavailable".equals(task.reason())) {
            e.getHeaders().set("x-should-retry", "false");
        }
        return e;
    }

    private static HttpStatus status(TaskView task) {
        if ("cancelled".equals(task.status())) {
            return HttpStatus.CONFLICT;
        }
        String reason = task.reason() == null ? "" : task.reason();
        if ("no_model_configured".equals(reason)) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        return LlmException.Kind.ofReason(reason).map(LlmProblems::status).orElse(HttpStatus.INTERNAL_SERVER_ERROR);
    }

    private static String message(TaskView task) {
        String what = "cancelled".equals(task.status()) ? "was cancelled" : "ended without an answer";
        return "the Casebook task " + task.id() + " " + what + " (" + task.reason() + "): " + task.detail();
    }
}
