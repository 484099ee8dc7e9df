package dev.casebook.server.batch;

import java.time.Instant;

/**
 * What the view of every kind of batch run shows, as {@code GET} answers it and as its {@code progress} events carry
 * it ({@link ProgressEvents}); each kind adds its own counts. A record per kind implements it, so that the OpenAPI
 * description shows each view's fields.
 */
public interface JobView {
    String id();

    String name();

    /** The run's {@link RunStatus#wire() wire} status. */
    String status();

    /** Why the run failed; null unless it did. */
    String error();

    /** Tokens the run's finished items spent. */
    long tokensSpent();

    Instant createdAt();

    Instant startedAt();

    Instant finishedAt();
}
