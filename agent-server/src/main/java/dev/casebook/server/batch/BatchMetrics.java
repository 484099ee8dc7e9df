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
 *       generators and world models as each kind counts them).</li>
 * </ul>
 */
final class BatchMetrics {
    static final BatchMetrics NONE = new BatchMetrics(null, "none");

    private final Counter done;
    private final Counter failed;
    private final Counter tokens;

    BatchMetrics(MeterRegistry registry, String kindName) {
        if (registry == null) {
            done = failed = tokens = null;
            return;
        }
        String kind = kindName.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        done = items(registry, kind, "done");
        failed = items(registry, kind, "failed");
        tokens = Counter.builder("casebook.batch.tokens")
                .description("Tokens spent by the recorded items of batch runs").tag("kind", kind).register(registry);
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

    void failed() {
        if (failed != null) {
            failed.increment();
        }
    }
}
