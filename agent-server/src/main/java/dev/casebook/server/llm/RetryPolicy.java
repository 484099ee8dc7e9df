package dev.casebook.server.llm;

import java.time.Duration;
import java.util.Objects;

/** Retries of one LLM call: how many after the first attempt, and exponential backoff between them. */
public record RetryPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
    }

    /** The wait before retry number {@code retry} (1-based): initial × 2^(retry-1), capped. */
    public Duration backoff(int retry) {
        long millis = initialBackoff.toMillis() << Math.min(20, Math.max(0, retry - 1));
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }
}
