package dev.casebook.server.openai;

import dev.casebook.server.agent.StopReason;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmProblems;
import dev.casebook.server.tasks.TaskView;
import java.util.Optional;
import org.springframework.http.HttpStatus;

/**
 * A task that ended without an answer, as an OpenAI error whose code is the task's stop reason. A model call that gave
 * no usable reply answers as a direct model call does ({@link LlmProblems#status}): 503 when the model was unavailable,
 * retries spent ({@code llm_unavailable}), 504 when the task's wall time ran out ({@code budget_time}), 502 when the
 * model refused ({@code llm_rejected}), cut its reply at the token limit ({@code truncated}) or did not fit the prompt
 * in its context window after the agent shrank it ({@code context_window}). Model calls that returned but came to no
 * usable answer are 502 too, as a gateway's upstream failure: no JSON plan after the corrections
 * ({@code invalid_plan}), no final answer when one was forced ({@code no_answer}), the task's token budget spent
 * before an answer ({@code budget_tokens}: a token limit the model's work did not fit in, as {@code truncated} is for
 * one reply; docs/api.md says why not a 4xx or 429). 503 when the server has no model ({@code no_model_configured}),
 * 409 when the task was cancelled, 500 for the rest (the server failed: {@code internal_error}, {@code interrupted},
 * ...). Only {@code llm_unavailable} is worth a retry; the others carry {@code x-should-retry: false}, which OpenAI's
 * SDKs obey, so a client does not run the same failing task again.
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
        Optional<LlmException.Kind> modelCall = LlmException.Kind.ofReason(task.reason());
        if (modelCall.isPresent()) {
            return LlmProblems.status(modelCall.get());
        }
        if (task.reason() == null || !StopReason.known(task.reason())) {
            return HttpStatus.INTERNAL_SERVER_ERROR;
        }
        return switch (StopReason.of(task.reason())) {
            case NO_MODEL_CONFIGURED -> HttpStatus.SERVICE_UNAVAILABLE;
            case INVALID_PLAN, NO_ANSWER, BUDGET_TOKENS -> HttpStatus.BAD_GATEWAY;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    private static String message(TaskView task) {
        String what = "cancelled".equals(task.status()) ? "was cancelled" : "ended without an answer";
        String hint = StopReason.BUDGET_TOKENS.code().equals(task.reason())
                ? "; a larger " + CasebookOptions.TOKEN_BUDGET + " in the request allows more" : "";
        return "the Casebook task " + task.id() + " " + what + " (" + task.reason() + "): " + task.detail() + hint;
    }
}
