package dev.casebook.server.lifecycle;

import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * When this instance's background work stops: the task queue ({@code tasks}) and the batch runs ({@code batch}) stop
 * in {@link #STOP_PHASE}, after the web server stopped taking requests and before any bean is destroyed (the
 * connection pool, the case store), so that the claims of the work they interrupt are given back while the database
 * is still there. A package of its own so that both can use it without depending on each other.
 */
public final class ShutdownOrder {
    /** The {@code SmartLifecycle} phase of everything that holds claims. */
    public static final int STOP_PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1024;

    private ShutdownOrder() {
    }
}
