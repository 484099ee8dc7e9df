package dev.casebook.server.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts the episodes that ended with a stop that is not the agent's failure and so wrote no case
 * ({@code casebook_memory_episodes_not_remembered_total{reason}}), each reason's counter registered at zero so that
 * dashboards see it before the first such episode.
 */
public final class NotRemembered {
    /** Counts nothing: for agents built without a meter registry (benchmarks, tests of the steps). */
    public static final NotRemembered NONE = new NotRemembered(null);

    private final Map<StopReason, Counter> counters = new EnumMap<>(StopReason.class);

    public NotRemembered(MeterRegistry registry) {
        if (registry != null) {
            for (StopReason reason : StopReason.values()) {
                if (!reason.agentAtFault()) {
                    counters.put(reason, Counter.builder("casebook.memory.episodes.not.remembered")
                            .description("Finished episodes that wrote no case because their stop was not the "
                                    + "agent's failure (the model's reply format, an unreachable model, a server "
                                    + "budget, cancellation, interruption)")
                            .tag("reason", reason.code()).register(registry));
                }
            }
        }
    }

    /** Counts an episode that ended so and wrote no case; reasons that are the agent's failure are not counted. */
    public void count(StopReason reason) {
        Counter counter = counters.get(reason);
        if (counter != null) {
            counter.increment();
        }
    }
}
