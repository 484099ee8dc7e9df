package dev.casebook.server.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;

/**
 * Metrics of the LLM calls of each role ({@link ModelRole#DREAM}), one call being everything
 * {@link LlmClient#chat} does for it (retries and a widened retry included):
 * <ul>
 *   <li>{@code casebook_llm_call_seconds{role}}: latency, with histogram buckets;</li>
 *   <li>{@code casebook_llm_tokens_total{role, kind=input|output}}: tokens, the server's count or the estimate;</li>
 *   <li>{@code casebook_llm_errors_total{role, kind}}: calls that gave no usable reply, by
 *       {@link LlmException.Kind} ({@code unavailable}, {@code rejected}, {@code deadline}, {@code truncated},
 *       {@code context_window});</li>
 *   <li>{@code casebook_llm_retries_total{role}}: requests sent again after the first of a call.</li>
 * </ul>
 * Every series of the roles is registered at zero, so dashboards see them before the first call.
 */
public final class LlmMetrics {
    /** Records nothing: for clients built without a meter registry (benchmarks, tests). */
    public static final LlmMetrics NONE = new LlmMetrics(null);

    private final MeterRegistry registry;

    public LlmMetrics(MeterRegistry registry) {
        this.registry = registry;
        if (registry != null) {
            for (ModelRole r : ModelRole.DREAM) {
                String role = r.wireName();
                timer(role);
                tokens(role, "input");
                tokens(role, "output");
                retries(role);
                for (LlmException.Kind kind : LlmException.Kind.values()) {
                    errors(role, kind);
                }
            }
        }
    }

    void succeeded(String role, LlmReply reply, long nanos) {
        if (registry == null) {
            return;
        }
        timer(role).record(Duration.ofNanos(nanos));
        spent(role, reply.usage(), reply.attempts());
    }

    void failed(String role, LlmException e, long nanos) {
        if (registry == null) {
            return;
        }
        timer(role).record(Duration.ofNanos(nanos));
        errors(role, e.kind()).increment();
        spent(role, e.spent(), e.attempts());
    }

    private void spent(String role, LlmReply.Usage usage, int attempts) {
        tokens(role, "input").increment(usage.input());
        tokens(role, "output").increment(usage.output());
        if (attempts > 1) {
            retries(role).increment(attempts - 1);
        }
    }

    private Timer timer(String role) {
        return Timer.builder("casebook.llm.call").description("LLM calls of a role, retries included")
                .tag("role", role).publishPercentileHistogram().register(registry);
    }

    private Counter tokens(String role, String kind) {
        return Counter.builder("casebook.llm.tokens").description("Tokens of a role's LLM calls (input: prompts, "
                + "output: replies and reasoning)").tag("role", role).tag("kind", kind).register(registry);
    }

    private Counter errors(String role, LlmException.Kind kind) {
        return Counter.builder("casebook.llm.errors").description("LLM calls of a role that gave no usable reply")
                .tag("role", role).tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry);
    }

    private Counter retries(String role) {
        return Counter.builder("casebook.llm.retries").description("Requests of a role's LLM calls sent again after "
                + "a 429, a 5xx, a time-out, a broken connection or a reply cut at the token limit")
                .tag("role", role).register(registry);
    }
}
