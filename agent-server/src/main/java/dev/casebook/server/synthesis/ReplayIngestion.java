package dev.casebook.server.synthesis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads finished real tasks into the replay buffer: each {@code tool_called} step of a task's record paired with the
 * {@code tool_returned} of the same call id is a transition (task text, the digest of the calls before it, tool,
 * arguments, result cut to {@code max-observation-chars}, ok). Tasks are read oldest first in batches, from an hour
 * before the newest one read (a task that committed late is not missed), each marked read with its transitions in
 * one transaction, so a task is read once whichever instance gets to it. A task without tool calls is marked read
 * too. Nothing is embedded here: a transition is embedded when its tenant's buffer is first searched
 * ({@link ReplayTransitions}), so a server whose buffer nobody searches spends no embedding on it.
 */
final class ReplayIngestion {
    private static final Logger log = LoggerFactory.getLogger(ReplayIngestion.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int BATCH = 100;
    static final int MAX_CALLS_PER_TASK = 100;
    static final int HISTORY_STEPS = 8;
    private static final Duration LATE_COMMITS = Duration.ofHours(1);

    private final ReplayRecords records;
    private final SynthesisSettings.Replay settings;
    private final ReentrantLock ingesting = new ReentrantLock();

    ReplayIngestion(ReplayRecords records, SynthesisSettings.Replay settings) {
        this.records = records;
        this.settings = settings;
    }

    /** What a reading added: transitions, and the tenants they belong to. */
    record Ingested(int transitions, Set<String> tenants) {
    }

    /** Reads every pending task, batch after batch until none is left or {@code stop} says so. */
    Ingested ingestPending(BooleanSupplier stop) {
        ingesting.lock();
        try {
            Instant latest = records.latestIngested();
            Instant since = latest == null ? null : latest.minus(LATE_COMMITS);
            int added = 0;
            Set<String> tenants = new HashSet<>();
            while (!stop.getAsBoolean()) {
                List<ReplayRecords.PendingTask> batch = records.pending(since, BATCH);
                added += ingest(batch, tenants);
                if (batch.size() < BATCH) {
                    break;
                }
            }
            return new Ingested(added, Set.copyOf(tenants));
        } finally {
            ingesting.unlock();
        }
    }

    private int ingest(List<ReplayRecords.PendingTask> batch, Set<String> touched) {
        Instant now = Instant.now();
        int added = 0;
        Set<String> tenants = new HashSet<>();
        for (ReplayRecords.PendingTask task : batch) {
            List<ReplayRecords.NewTransition> transitions = read(task);
            if (records.insert(task, transitions, now)) {
                added += transitions.size();
                if (!transitions.isEmpty()) {
                    tenants.add(task.tenant());
                }
            }
        }
        tenants.forEach(tenant -> records.evict(tenant, settings.maxTransitions()));
        touched.addAll(tenants);
        return added;
    }

    /** The task's tool calls paired with their results, in call order; none when its record cannot be read. */
    private List<ReplayRecords.NewTransition> read(ReplayRecords.PendingTask task) {
        Map<String, JsonNode> open = new LinkedHashMap<>();
        Map<String, Integer> seqs = new LinkedHashMap<>();
        List<Transition> earlier = new ArrayList<>();
        List<ReplayRecords.NewTransition> reads = new ArrayList<>();
        try {
            for (ReplayRecords.ToolStep step : records.toolSteps(task.id())) {
                JsonNode payload = JSON.readTree(step.payload());
                String callId = payload.path("callId").asString("");
                if (step.type().equals("tool_called")) {
                    open.put(callId, payload);
                    seqs.put(callId, step.seq());
                    continue;
                }
                JsonNode called = open.remove(callId);
                if (called == null || reads.size() >= MAX_CALLS_PER_TASK) {
                    continue;
                }
                Transition t = Transition.real(called.path("tool").asString(""),
                        called.path("argumentsJson").asString("{}"), cut(payload.path("result").asString("")),
                        payload.path("ok").asBoolean(true));
                if (t.tool().isBlank()) {
                    continue;
                }
                reads.add(new ReplayRecords.NewTransition(seqs.get(callId), Transition.digest(earlier, HISTORY_STEPS),
                        t.tool(), t.arguments(), t.observation(), !t.failed()));
                earlier.add(t);
            }
        } catch (JacksonException e) {
            log.warn("Replay buffer: the steps of task {} cannot be read ({}); it adds no transitions", task.id(),
                    e.getOriginalMessage());
            return List.of();
        }
        return reads;
    }

    private String cut(String observation) {
        int max = settings.maxObservationChars();
        return observation.length() <= max ? observation
                : observation.substring(0, max) + " [cut: " + observation.length() + " characters in all]";
    }
}
