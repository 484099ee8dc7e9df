package dev.casebook.server.batch;

import dev.casebook.server.web.ApiException;
import java.util.function.LongSupplier;

/**
 * The token budget of a batch run ({@code maxTokens} of evaluation runs, dream jobs and sandbox task jobs): once the
 * run's finished items have spent it, no further item starts ({@link BatchExecutor#exhausted}), the items running
 * finish, and the run completes with the reason.
 */
public final class TokenBudget {
    /** The largest budget a run may ask for. */
    public static final long MAX = 1_000_000_000_000L;

    private TokenBudget() {
    }

    /**
     * The budget a request asks for, null for none.
     *
     * @throws ApiException 400 when it is outside [1, {@link #MAX}]
     */
    public static Long requested(Long maxTokens) {
        if (maxTokens != null && (maxTokens < 1 || maxTokens > MAX)) {
            throw ApiException.badRequest("field 'maxTokens' must be within [1, " + MAX + "], was " + maxTokens);
        }
        return maxTokens;
    }

    /**
     * Why the run must end: null when there is no budget ({@code max} null) or while the tokens {@code spent} (read
     * only when there is a budget) are below it.
     *
     * @param what    what has the budget, e.g. {@code job}
     * @param counted whose tokens count, e.g. {@code , the agent's and the experience model's}; may be empty
     */
    public static String spent(Long max, LongSupplier spent, String what, String counted) {
        if (max == null) {
            return null;
        }
        long tokens = spent.getAsLong();
        return tokens < max ? null : "the " + what + "'s token budget is spent (" + tokens + " of " + max + " tokens"
                + counted + "); the items still pending were not run";
    }
}
