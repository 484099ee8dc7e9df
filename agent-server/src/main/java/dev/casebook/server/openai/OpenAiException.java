package dev.casebook.server.openai;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request the {@code /v1} API refuses, or a task that could not answer: answered as problem details with the
 * OpenAI error's {@code param} and {@code code} as properties, which {@link OpenAiErrorFilter} turns into OpenAI's
 * error format like every other problem on {@code /v1}.
 */
final class OpenAiException extends ErrorResponseException {

    /**
     * @param param the request field at fault; null for none
     * @param code  a stable code ({@code model_not_found}, {@code unsupported_parameter}, a task's stop reason)
     */
    OpenAiException(HttpStatus status, String param, String code, String message) {
        super(status, problem(status, param, code, message), null);
    }

    /** A 400 about one field of the request. */
    static OpenAiException invalid(String param, String message) {
        return new OpenAiException(HttpStatus.BAD_REQUEST, param, "invalid_value", message);
    }

    /** A 400 for something Casebook does not offer. */
    static OpenAiException unsupported(String param, String message) {
        return new OpenAiException(HttpStatus.BAD_REQUEST, param, "unsupported_parameter", message);
    }

    private static ProblemDetail problem(HttpStatus status, String param, String code, String message) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, message);
        if (param != null) {
            problem.setProperty(OpenAiError.PARAM, param);
        }
        problem.setProperty(OpenAiError.CODE, code);
        return problem;
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }
}
