package dev.casebook.server.llm;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * An {@link LlmException} that reached a controller, as {@code application/problem+json}: the model, not the
 * client, failed. {@code UNAVAILABLE} is a 503 (trying later may help), a call that ran out of time a 504, every other
 * kind a 502; the detail says which model call failed and why, and {@code reason} is the kind's stable code.
 */
@RestControllerAdvice
public class LlmProblems {
    private static final Logger log = LoggerFactory.getLogger(LlmProblems.class);

    @ExceptionHandler(LlmException.class)
    ResponseEntity<ProblemDetail> llm(LlmException e, HttpServletRequest request) {
        log.warn("{} {}: the model gave no usable reply ({}): {}", request.getMethod(), request.getRequestURI(),
                e.kind().reason(), e.getMessage());
        return problem(e);
    }

    /** What a request answers when a model call it made failed this way (see the class comment). */
    public static HttpStatus status(LlmException.Kind kind) {
        return switch (kind) {
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case DEADLINE -> HttpStatus.GATEWAY_TIMEOUT;
            case REJECTED, TRUNCATED, CONTEXT_WINDOW -> HttpStatus.BAD_GATEWAY;
        };
    }

    /** The end of a failed model call's detail: whether trying again later may help. */
    public static String retryHint(LlmException e) {
        return e.retryable() ? "; trying again later may help" : "";
    }

    static ResponseEntity<ProblemDetail> problem(LlmException e) {
        HttpStatus status = status(e.kind());
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, "the model gave no usable reply ("
                + e.kind().reason() + "): " + e.getMessage() + retryHint(e));
        body.setProperty("reason", e.kind().reason());
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
