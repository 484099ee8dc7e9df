package dev.casebook.server.web;

import java.util.function.Supplier;
import org.springframework.http.HttpStatus;

/**
 * A client mistake: a request that names something malformed, out of range or unknown. Answered as a 400
 * {@code application/problem+json} with this detail, which says what was wrong. Retrying the same request cannot help.
 *
 * <p>An {@link IllegalArgumentException} is not one: thrown past a controller it is a bug of the server (a 500). Code
 * that validates client input with a method that throws one (a record's compact constructor, a {@code parse}) turns
 * it into this at the API's edge, with {@link #whenInvalid}.
 */
public class InvalidRequestException extends ApiException {

    public InvalidRequestException(String detail) {
        super(HttpStatus.BAD_REQUEST, detail);
    }

    public InvalidRequestException(String detail, IllegalArgumentException cause) {
        this(detail);
        initCause(cause);
    }

    /**
     * The value {@code parse} makes of client input; its {@link IllegalArgumentException} becomes an
     * InvalidRequestException with the same message.
     */
    public static <T> T whenInvalid(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage() == null ? "invalid request" : e.getMessage(), e);
        }
    }

    /** As {@link #whenInvalid(Supplier)}, with what the value is put before the message ({@code "parameter 'k': "}). */
    public static <T> T whenInvalid(String what, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(what + ": " + e.getMessage(), e);
        }
    }
}
