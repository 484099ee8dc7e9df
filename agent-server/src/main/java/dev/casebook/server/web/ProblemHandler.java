package dev.casebook.server.web;

import dev.casebook.memory.ReadOnlyBankException;
import jakarta.servlet.http.HttpServletRequest;
import java.math.BigInteger;
import java.util.Collection;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Every error of the API as {@code application/problem+json}, with a detail that says what was wrong. */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {
    /** The detail of a 5xx: as {@link ProblemErrorController} words it. */
    static final String INTERNAL_DETAIL = "the server failed to answer this request; its log has the cause";
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return problem(e.status(), e.getMessage());
    }

    /** A write aimed at a read-only bank: the client asked for something the bank's owner ruled out. */
    @ExceptionHandler(ReadOnlyBankException.class)
    ResponseEntity<ProblemDetail> readOnlyBank(ReadOnlyBankException e) {
        return problem(HttpStatus.CONFLICT, e.getMessage());
    }

    /**
     * An {@link IllegalArgumentException} that no code at the API's edge turned into an
     * {@link InvalidRequestException}: a bug of the server, not a client mistake. Its message may name internals, so
     * the client learns only that the log has the cause.
     */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> internal(IllegalArgumentException e, HttpServletRequest request) {
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, INTERNAL_DETAIL);
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(BodyTooLargeException e) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
    }

    /**
     * A body that is not multipart where an upload is expected, or a multipart one that cannot be parsed (no
     * boundary, truncated); uploads over the size limit are 413 ({@code MaxUploadSizeExceededException}, handled by
     * the base class).
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e, HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !type.regionMatches(true, 0, "multipart/", 0, 10)) {
            return problem(HttpStatus.BAD_REQUEST, "this endpoint takes a multipart/form-data body with the file in"
                    + " form field 'file'; the request's Content-Type was " + (type == null ? "not set" : "'" + type
                    + "'"));
        }
        Throwable cause = e.getMostSpecificCause();
        return problem(HttpStatus.BAD_REQUEST, "the multipart/form-data body cannot be read"
                + (cause.getMessage() == null || cause == e ? "" : ": " + cause.getMessage()));
    }

    /** Tomcat decodes query parameters when they are first asked for, and fails on a bad {@code %} escape. */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> badQuery(InvalidParameterException e) {
        return problem(HttpStatus.BAD_REQUEST, "the query string cannot be decoded: each '%' must be followed by two"
                + " hex digits, and the decoded bytes must be UTF-8 (" + String.valueOf(e.getMessage()).split("\\. Note")[0]
                + ")");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        Throwable cause = e.getMostSpecificCause();
        String detail = cause instanceof IllegalArgumentException && !(cause instanceof NumberFormatException)
                && cause.getMessage() != null
                ? cause.getMessage()
                : "parameter '" + e.getName() + "' must be " + typeName(e.getRequiredType()) + ", was '"
                        + e.getValue() + "'";
        return problem(HttpStatus.BAD_REQUEST, detail);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return cast(tooLarge(tooLarge));
            }
        }
        return cast(problem(HttpStatus.BAD_REQUEST, readableDetail(e)));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return cast(problem(HttpStatus.BAD_REQUEST, "required parameter '" + e.getParameterName() + "' is missing"));
    }

    static String readableDetail(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        if (cause instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'" + at(u) + "; known fields: "
                    + u.getKnownPropertyIds();
        }
        if (cause instanceof InvalidFormatException f) {
            Object value = f.getValue();
            return "field '" + path(f) + "' must be " + typeName(f.getTargetType()) + ", was "
                    + (value instanceof String text ? "\"" + text + "\" (a string)" : value);
        }
        if (cause instanceof MismatchedInputException m) {
            return "field '" + path(m) + "' must be " + typeName(m.getTargetType());
        }
        if (cause instanceof JacksonException j) {
            return "malformed JSON: " + j.getOriginalMessage();
        }
        if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
            return cause.getMessage();
        }
        return e.getMessage() != null && e.getMessage().startsWith("Required request body is missing")
                ? "a JSON request body is required"
                : "unreadable request body";
    }

    private static String at(MismatchedInputException e) {
        String path = path(e);
        return path.contains(".") ? " in '" + path.substring(0, path.lastIndexOf('.')) + "'" : "";
    }

    private static String path(MismatchedInputException e) {
        StringBuilder b = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? "(body)" : b.toString();
    }

    private static String typeName(@Nullable Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == int.class || type == long.class || type == short.class || type == byte.class
                || type == BigInteger.class) {
            return "a number without a fraction";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, detail);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(body);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> e) {
        return (ResponseEntity) e;
    }
}
