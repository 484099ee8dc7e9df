package dev.casebook.tools.search;

import dev.casebook.tools.ToolInfrastructureException;
import java.time.Duration;
import java.util.List;

/**
 * A web search backend.
 *
 * <p>Returns at most {@code count} hits, possibly none. Throws {@link SearchTimeoutException} when the backend does
 * not answer in time (the model may try again or differently) and {@link ToolInfrastructureException} when it
 * cannot be used at all (unreachable, key refused, server error).
 */
public interface SearchProvider {

    /** The provider's name as configured, e.g. {@code searxng}. */
    String name();

    List<SearchHit> search(String query, int count, Duration timeout);

    /** The search backend did not answer in time. */
    final class SearchTimeoutException extends RuntimeException {
        public SearchTimeoutException(String message) {
            super(message);
        }
    }
}
