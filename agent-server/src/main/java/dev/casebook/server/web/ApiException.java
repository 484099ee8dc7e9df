package dev.casebook.server.web;

import org.springframework.http.HttpStatus;

/** A client mistake or a state conflict, answered as {@code application/problem+json} with this detail. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;

    public ApiException(HttpStatus status, String detail) {
        super(detail);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    /** Unknown ids and other tenants' ids look the same: not found. */
    public static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, "no " + what + " with id '" + id + "'");
    }

    /** A client mistake: an {@link InvalidRequestException}. */
    public static ApiException badRequest(String detail) {
        return new InvalidRequestException(detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, detail);
    }
}
