package dev.casebook.server.batch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Metrics of one kind of batch run ({@code kind}: {@code evaluation_run}, {@code dream_job},
 * {@code sandbox_task_job}), registered at zero so dashboards see them before the first item:
 * <ul>
 *   <li>{@code casebook_batch_items_total{kind, result=done|failed}}: items recorded, and items that failed
 *       unexpectedly (outcome {@code internal_error});</li>
 *   <li>{@code casebook_batch_tokens_total{kind}}: tokens the recorded items spent (the agent's calls, judges,
 *       generators and world models as each kind counts them);</li>
 *   <li>{@code casebook_batch_claims_total{kind, result=claimed|empty}}: the executors' claims, one per round of
 *       free slots: those that took items, and those that found none to take (the pending items are claimed
 *       elsewhere or wait for the epoch before, or the run is about to complete); executors with free slots claim
 *       again every 50 ms, so a steady rise of {@code empty} is a run waiting, not working.</li>
 * </ul>
 */
final class BatchMetrics {
    static final BatchMetrics NONE = new BatchMetrics(null, "none");

    private final Counter done;
    private final Counter failed;
    private final Counter tokens;
    private final Counter claimed;
    private final Counter empty;

    BatchMetrics(MeterRegistry registry, String kindName) {
        if (registry == null) {
            done = failed = tokens = claimed = empty = null;
            return;
        }
        String kind = kindName.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        done = items(registry, kind, "done");
        failed = items(registry, kind, "failed");
        tokens = Counter.builder("casebook.batch.tokens")
                .description("Tokens spent by the recorded items of batch runs").tag("kind", kind).register(registry);
        claimed = claims(registry, kind, "claimed");
        empty = claims(registry, kind, "empty");
    }

    private static Counter claims(MeterRegistry registry, String kind, String result) {
        return Counter.builder("casebook.batch.claims").description("Claims of batch executors: that took items "
                + "(claimed) or found none to take (empty)").tag("kind", kind).tag("result", result)
                .register(registry);
    }

    private static Counter items(MeterRegistry registry, String kind, String result) {
        return Counter.builder("casebook.batch.items").description("Items of batch runs: recorded (done) or failed "
                + "unexpectedly (failed, outcome internal_error)").tag("kind", kind).tag("result", result)
                .register(registry);
    }

    void done(long spent) {
        if (done != null) {
            done.increment();
            tokens.increment(Math.max(0, spent));
        }
    }

    /** A claim that took {@code items} items (none: an empty claim). */
    void claimed(int items) {
        if (claimed != null) {
            (items == 0 ? empty : claimed).increment();
        }
    }

    void failed() {
        if (failed != null) {
            failed.increment();
        }
    }
}
