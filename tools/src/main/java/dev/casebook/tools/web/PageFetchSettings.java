package dev.casebook.tools.web;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the page fetch tool.
 *
 * @param timeout       the longest a whole fetch may take, redirects included (the task's tool timeout may be shorter)
 * @param maxBytes      the most bytes read from a response body; the rest is cut off
 * @param maxChars      the most characters of text returned in one call; the model pages on with {@code offset}
 * @param maxRedirects  the most redirects followed, each checked against the network policy
 * @param userAgent     sent with every request
 * @param network       which destinations may be reached
 */
public record PageFetchSettings(Duration timeout, long maxBytes, int maxChars, int maxRedirects, String userAgent,
                                NetworkPolicy network) {
    public PageFetchSettings {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be at least 1024, was " + maxBytes);
        }
        if (maxChars < 100) {
            throw new IllegalArgumentException("maxChars must be at least 100, was " + maxChars);
        }
        if (maxRedirects < 0 || maxRedirects > 20) {
            throw new IllegalArgumentException("maxRedirects must be between 0 and 20, was " + maxRedirects);
        }
        userAgent = userAgent == null || userAgent.isBlank() ? "Casebook/0.1 (+page fetch tool)" : userAgent;
        network = Objects.requireNonNullElse(network, NetworkPolicy.publicOnly());
    }

    public static PageFetchSettings defaults() {
        return new PageFetchSettings(Duration.ofSeconds(20), 5L * 1024 * 1024, 20_000, 5, null, NetworkPolicy.publicOnly());
    }

    public PageFetchSettings withNetwork(NetworkPolicy policy) {
        return new PageFetchSettings(timeout, maxBytes, maxChars, maxRedirects, userAgent, policy);
    }

    public PageFetchSettings withTimeout(Duration newTimeout) {
        return new PageFetchSettings(newTimeout, maxBytes, maxChars, maxRedirects, userAgent, network);
    }

    public PageFetchSettings withMaxBytes(long bytes) {
        return new PageFetchSettings(timeout, bytes, maxChars, maxRedirects, userAgent, network);
    }
}
