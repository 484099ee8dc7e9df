package dev.casebook.server.synthesis;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.server.memory.FirstUseEmbedder;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The replay buffer of real transitions that grounds the experience model (DreamGym's experience replay): every tool
 * call of a finished real task (source {@code real}: dream rollouts never enter it) with what the tool returned,
 * persisted in {@code replay_transitions}. It is seeded from the recorded episodes when the server starts and
 * appended as real tasks finish ({@link ReplayIngestion}, every {@code casebook.synthesis.replay.ingest-interval} and
 * before a dream job starts), without embeddings.
 *
 * <p>Retrieval ({@link #similar}) embeds the call and the task with the in-process embedder and compares them with the
 * tenant's transitions kept in memory ({@link TransitionIndex}, refreshed from the table at most once a second, at
 * once after this instance added transitions of the tenant). A refresh first embeds the tenant's transitions that
 * have no embedding yet, in batches, and stores the embeddings with the model's id, so a restart or another replica
 * does not embed them again (two replicas embedding at once each store only what is still missing): the first search
 * after new tasks pays for their embeddings, and a tenant whose buffer is never searched costs none. Tenants never see
 * each other's transitions. Bounded: a tenant keeps its newest {@code casebook.synthesis.replay.max-transitions}, in
 * the table and in memory; a search costs one embedding and one pass over them.
 */
@Component
class ReplayTransitions {
    private static final Logger log = LoggerFactory.getLogger(ReplayTransitions.class);
    private static final Duration REFRESH = Duration.ofSeconds(1);
    /** Ids read again below the watermark, for transitions whose transaction committed after a later one's. */
    private static final long LATE_COMMITS = 1_000;
    /** Transitions embedded in one call of the embedder. */
    static final int EMBED_BATCH = 64;

    private final ReplayRecords records;
    private final FirstUseEmbedder embedder;
    private final SynthesisSettings.Replay settings;
    private final Map<String, Tenant> tenants = new ConcurrentHashMap<>();
    private final ReplayIngestion ingestion;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread background;

    /**
     * One tenant's index and when it was last read from the table. Each time this instance adds transitions of the
     * tenant it counts one more addition; a refresh notes the count it started from, so an addition made while a
     * refresh runs (after its reads) leaves the tenant behind and the next search reads again.
     */
    private static final class Tenant {
        final TransitionIndex index;
        final ReentrantLock refreshing = new ReentrantLock();
        final AtomicLong additions = new AtomicLong();
        /** The additions counted when the last refresh started; -1 before the first. */
        volatile long read = -1;
        volatile Instant refreshed = Instant.EPOCH;

        Tenant(int capacity) {
            this.index = new TransitionIndex(capacity);
        }

        boolean behind() {
            return read < additions.get();
        }

        boolean fresh() {
            return !behind() && Duration.between(refreshed, Instant.now()).compareTo(REFRESH) < 0;
        }
    }

    ReplayTransitions(ReplayRecords records, ObjectProvider<Embedder> embedders, SynthesisSettings settings) {
        this.records = records;
        this.embedder = new FirstUseEmbedder(embedders);
        this.settings = settings.replay();
        this.ingestion = new ReplayIngestion(records, this.settings);
    }

    /** The case memory's embedder, or the in-process model of its own when this server keeps no case memory. */
    Embedder embedder() {
        return embedder.get();
    }

    /**
     * Reads the real tasks that finished since the last time into the buffer, on this thread; returns how many
     * transitions were added. Concurrent calls on one instance wait for each other.
     */
    int ingest() {
        return added(ingestion.ingestPending(() -> false));
    }

    /** The tenants that got transitions are read again at their next search, so this instance sees them at once. */
    private int added(ReplayIngestion.Ingested ingested) {
        ingested.tenants().forEach(tenant -> {
            Tenant t = tenants.get(tenant);
            if (t != null) {
                t.additions.incrementAndGet();
            }
        });
        return ingested.transitions();
    }

    /** The {@code k} real transitions of the tenant most like this call of this task, best first. */
    List<ReplayTransition> similar(String tenant, String task, String tool, String arguments, int k) {
        Tenant t = refreshed(tenant);
        if (t.index.size() == 0 || k == 0) {
            return List.of();
        }
        float[] query = embedder().embed(ReplayTransition.embeddingText(tool, arguments, task));
        List<Long> ids = t.index.nearest(query, k).stream().map(TransitionIndex.Hit::id).toList();
        return records.transitions(tenant, ids);
    }

    /** Embeds the tenant's transitions that have no embedding yet and loads them, as its next search would. */
    void prepare(String tenant) {
        refreshed(tenant);
    }

    ReplayRecords.Stats stats(String tenant) {
        return records.stats(tenant);
    }

    /**
     * The tenant's index, read again from the table when its second is up (without waiting for a refresh under way)
     * or when this instance added transitions of the tenant or never read it (waiting, so no search misses them).
     */
    private Tenant refreshed(String tenant) {
        Tenant t = tenants.computeIfAbsent(tenant, name -> new Tenant(settings.maxTransitions()));
        if (t.fresh()) {
            return t;
        }
        if (t.behind()) {
            t.refreshing.lock();
        } else if (!t.refreshing.tryLock()) {
            return t;
        }
        try {
            if (t.fresh()) {
                return t;
            }
            long additions = t.additions.get();
            Embedder model = embedder();
            long after = t.index.size() == 0 ? 0 : Math.max(0, t.index.newest() - LATE_COMMITS);
            embedMissing(tenant, after, model);
            List<ReplayRecords.Vector> vectors = t.index.size() == 0
                    ? records.newestVectors(tenant, model.modelId(), settings.maxTransitions())
                    : records.vectorsAfter(tenant, model.modelId(), after);
            vectors.forEach(v -> t.index.add(v.id(), v.embedding()));
            t.read = additions;
            t.refreshed = Instant.now();
        } finally {
            t.refreshing.unlock();
        }
        return t;
    }

    /**
     * Embeds the tenant's transitions above {@code afterId} that have no embedding yet, newest first, at most as many
     * as the tenant keeps, and stores the embeddings.
     */
    private void embedMissing(String tenant, long afterId, Embedder model) {
        int embedded = 0;
        while (embedded < settings.maxTransitions()) {
            List<ReplayRecords.Unembedded> batch = records.unembedded(tenant, afterId,
                    Math.min(EMBED_BATCH, settings.maxTransitions() - embedded));
            if (batch.isEmpty()) {
                break;
            }
            List<float[]> vectors = model.embedAll(batch.stream()
                    .map(u -> ReplayTransition.embeddingText(u.tool(), u.arguments(), u.task())).toList());
            List<ReplayRecords.Vector> rows = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                rows.add(new ReplayRecords.Vector(batch.get(i).id(), vectors.get(i)));
            }
            records.embed(rows, model.modelId());
            embedded += batch.size();
        }
        if (embedded > 0) {
            log.debug("Replay buffer: {} transition(s) of tenant {} embedded at first use", embedded, tenant);
        }
    }

    /**
     * Seeds the buffer from the recorded episodes, then keeps appending, on a virtual thread of its own. It is never
     * interrupted (an interrupt inside a JDBC call can close the embedded database's file): it stops between batches.
     */
    @EventListener(ApplicationReadyEvent.class)
    void startIngesting() {
        background = Thread.ofVirtual().name("replay-ingestion").start(() -> {
            try {
                do {
                    try {
                        int added = added(ingestion.ingestPending(() -> stopping.getCount() == 0));
                        if (added > 0) {
                            log.info("Replay buffer: {} real transition(s) added", added);
                        }
                    } catch (RuntimeException e) {
                        log.warn("Replay buffer: reading finished tasks failed; trying again in {}",
                                settings.ingestInterval(), e);
                    }
                } while (!stopping.await(settings.ingestInterval().toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @PreDestroy
    void stopIngesting() throws InterruptedException {
        stopping.countDown();
        Thread running = background;
        if (running != null && !running.join(Duration.ofSeconds(30))) {
            log.warn("Replay buffer: ingestion did not stop within 30 s");
        }
    }
}
