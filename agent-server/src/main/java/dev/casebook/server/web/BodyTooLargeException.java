package dev.casebook.server.web;

import java.io.IOException;

/**
 * A request body grew past {@code casebook.api.max-body-bytes} while it was read (a chunked body declares no length
 * up front). An {@link IOException}, so that whatever was reading the body stops; answered 413.
 */
class BodyTooLargeException extends IOException {
    private final long limit;

    public BodyTooLargeException(long limit) {
        super("the request body has more than the limit of " + limit + " bytes (casebook.api.max-body-bytes)");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
