package dev.casebook.server.memory;

import dev.casebook.memory.Case;
import dev.casebook.memory.insight.FamilyRule;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.insight.PendingDistillation;
import dev.casebook.memory.insight.ScoredInsight;
import dev.casebook.server.agent.AgentMemory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distils the insight of a rated real case's family, off the caller's thread ({@code casebook.memory.insights.*}).
 * The family is the tenant's rated real cases of the case's bank whose task is near the case's ({@link FamilyRule});
 * with at least the rule's minimum of members, one of them a success, the {@link InsightDistiller} writes its
 * insight, or revises the rule's previous insight of the family.
 *
 * <p>One distillation runs at a time (so at most one per family); a case rated while one runs waits in a queue, and
 * leaves it without a call of its own when a distillation that read the family after the case was queued had it as a
 * member. A revision is not written when its insight was deleted while the distiller wrote it (an operator removed
 * the lesson; the family's next rating distils a new one). The queue is kept in the {@link InsightStore} as well
 * ({@link InsightStore#addPending}), and {@link #resume()} queues again what a stopped server left. Nothing is thrown
 * to the caller: a failed or declined distillation is logged and counted
 * ({@code casebook_memory_insights_distillations_total{outcome}}).
 */
final class InsightTrigger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InsightTrigger.class);

    /** What a distillation attempt came to. */
    enum Result {
        DISTILLED, DECLINED, FAILED, TOO_SMALL
    }

    private record Rated(String tenant, UUID caseId) {
    }

    /** The rated case and its family's members (the case among them), empty when the family is too small. */
    private record Family(Case value, List<InsightDistiller.Member> members) {
    }

    private final AgentMemory memory;
    private final InsightStore store;
    private final InsightDistiller distiller;
    private final FamilyRule rule;
    private final Map<Result, Counter> counters = new EnumMap<>(Result.class);
    private final Set<Rated> queued = new LinkedHashSet<>();
    /** Held by every store write of the worker, and by {@link #close()} while it sets {@link #closed}. */
    private final Object writing = new Object();
    private volatile boolean closed;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("insight-distiller").factory());
    /** Records pending distillations; shut down without interrupts. */
    private final ExecutorService recorder = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("insight-pending").factory());

    InsightTrigger(AgentMemory memory, InsightStore store, InsightDistiller distiller, FamilyRule rule,
            MeterRegistry registry) {
        this.memory = memory;
        this.store = store;
        this.distiller = distiller;
        this.rule = rule;
        for (Result result : Result.values()) {
            counters.put(result, Counter.builder("casebook.memory.insights.distillations")
                    .description("Insight distillations started by a rated real case, by outcome (distilled, "
                            + "declined by the distiller, failed, family too small)")
                    .tag("outcome", result.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        Gauge.builder("casebook.memory.insights.pending", this, InsightTrigger::pending)
                .description("Rated cases whose family waits for (or is in) a distillation").strongReference(true)
                .register(registry);
    }

    /** How many attempts ended so. */
    double count(Result result) {
        return counters.get(result).count();
    }

    /** How many rated cases wait for (or are in) a distillation. */
    int pending() {
        synchronized (queued) {
            return queued.size();
        }
    }

    /**
     * Queues the family of the rated case for distillation, and records it in the store so that a restart finds it;
     * returns once recorded.
     */
    void rated(String tenant, UUID caseId) {
        Rated rated = new Rated(tenant, caseId);
        synchronized (queued) {
            if (!queued.add(rated)) {
                return;
            }
        }
        record(rated);
        execute(rated);
    }

    /**
     * Records the pending distillation on the recorder's thread, which nothing interrupts (the rater's thread may be
     * interrupted, a cancelled evaluation's for one, and an interrupt during a Lucene write leaves its writer
     * unusable); waits for it unless the rater is interrupted.
     */
    private void record(Rated rated) {
        try {
            recorder.submit(() -> store.addPending(rated.tenant(), rated.caseId())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the write goes on without the rater
        } catch (ExecutionException | RejectedExecutionException e) {
            log.warn("insights: the distillation of case {} (tenant {}) is queued but not recorded; a restart "
                    + "before it runs drops it: {}", rated.caseId(), rated.tenant(),
                    e instanceof ExecutionException ? e.getCause().toString() : e.toString());
        }
    }

    /**
     * Queues again the distillations a stopped server left pending (the store's record of them), oldest first;
     * returns how many.
     */
    int resume() {
        List<PendingDistillation> pending;
        try {
            pending = store.pending();
        } catch (RuntimeException e) {
            log.warn("insights: the distillations left pending by the last run cannot be read, and wait for their "
                    + "families' next ratings: {}", e.toString());
            return 0;
        }
        List<Rated> fresh = new ArrayList<>();
        synchronized (queued) { // all queued before the first runs, so that it covers the others of its family
            for (PendingDistillation p : pending) {
                Rated rated = new Rated(p.tenant(), p.caseId());
                if (queued.add(rated)) {
                    fresh.add(rated);
                }
            }
        }
        fresh.forEach(this::execute);
        if (!pending.isEmpty()) {
            log.info("insights: {} distillations left pending by the last run queued again", pending.size());
        }
        return pending.size();
    }

    private void execute(Rated rated) {
        try {
            worker.execute(() -> run(rated));
        } catch (RejectedExecutionException e) {
            log.debug("insights: the server is stopping; case {} is distilled after its restart", rated.caseId());
        }
    }

    private void run(Rated rated) {
        List<Rated> before;
        synchronized (queued) {
            if (!queued.contains(rated)) {
                return; // covered by a distillation of its family since it was queued
            }
            before = List.copyOf(queued);
        }
        Result result;
        Set<UUID> members = Set.of();
        try {
            Family family = family(rated);
            members = family.members().stream().map(InsightDistiller.Member::caseId).collect(Collectors.toSet());
            result = family.members().isEmpty() ? Result.TOO_SMALL : distil(rated, family);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            if (closed) {
                return; // stopped under it: stays pending, and runs again after the restart
            }
            log.warn("insights: the family of case {} (tenant {}) could not be distilled: {}", rated.caseId(),
                    rated.tenant(), e.toString());
            result = Result.FAILED;
        }
        counters.get(result).increment();
        List<Rated> done = new ArrayList<>(List.of(rated));
        synchronized (queued) {
            if (result == Result.DISTILLED) {
                for (Rated other : before) {
                    if (!other.equals(rated) && other.tenant().equals(rated.tenant())
                            && members.contains(other.caseId()) && queued.contains(other)) {
                        done.add(other);
                    }
                }
            }
        }
        forget(done);
    }

    /** Forgets finished distillations, in the store and then in the queue (so no longer {@link #pending()}). */
    private void forget(List<Rated> done) {
        for (Rated d : done) {
            try {
                write(() -> store.removePending(d.tenant(), d.caseId()));
            } catch (RuntimeException e) {
                log.warn("insights: the distillation of case {} (tenant {}) stays recorded as pending, and runs "
                        + "again after a restart: {}", d.caseId(), d.tenant(), e.toString());
            }
        }
        synchronized (queued) {
            done.forEach(queued::remove);
        }
    }

    private Result distil(Rated rated, Family family) throws InterruptedException {
        String bank = family.value().bank();
        float[] centroid = Insight.centroidOf(family.members().stream().map(InsightDistiller.Member::vector)
                .toList());
        Insight previous = store.nearest(rule.previousInsight(rated.tenant(), bank, centroid)).stream().map(ScoredInsight::value).findFirst().orElse(null);
        InsightDistiller.Outcome outcome = distiller.distil(rated.tenant(), bank, family.members(), previous);
        return switch (outcome) {
            case InsightDistiller.Outcome.Distilled d when previous != null
                    && store.get(rated.tenant(), previous.id()).isEmpty() -> {
                log.info("insights: insight {} of tenant {} was deleted while it was revised; not written back",
                        previous.id(), rated.tenant());
                yield Result.DECLINED;
            }
            case InsightDistiller.Outcome.Distilled d -> {
                if (!write(() -> store.save(d.insight()))) {
                    throw new CancellationException("the server is stopping");
                }
                log.info("insights: {} insight {} of tenant {} from {} cases ({} successes, {} failures)",
                        previous == null ? "new" : "revised", d.insight().id(), rated.tenant(),
                        family.members().size(),
                        d.insight().successes(), d.insight().failures());
                yield Result.DISTILLED;
            }
            case InsightDistiller.Outcome.Declined d -> {
                log.info("insights: the family of case {} (tenant {}) gave no insight: {}", rated.caseId(),
                        rated.tenant(), d.reason());
                yield Result.DECLINED;
            }
        };
    }

    /** The rated case's family by the {@link FamilyRule}, as the distiller sees its members. */
    private Family family(Rated rated) {
        FamilyRule.Family family = rule.familyOf(memory.store(), memory.embedder(), rated.tenant(), rated.caseId());
        return new Family(family.rated(), family.members().stream().map(InsightDistiller.Member::of).toList());
    }

    /**
     * Runs a store write of the worker unless the trigger is closed, and never while {@link #close()} interrupts the
     * worker (an interrupt during a Lucene write leaves its writer unusable); false when closed.
     */
    private boolean write(Runnable write) {
        synchronized (writing) {
            if (closed) {
                return false;
            }
            write.run();
            return true;
        }
    }

    @Override
    public void close() {
        synchronized (writing) { // a write in progress ends first: interrupted, it would break a Lucene writer
            closed = true;
        }
        worker.shutdownNow();
        recorder.shutdown();
        try {
            if (!recorder.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("insights: pending distillations were still being recorded when the server stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
