package dev.casebook.memory.lucene;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseStore.Derivation;
import dev.casebook.memory.CaseStore.Merge;
import dev.casebook.memory.CaseStore.Merged;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.StoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;

/**
 * The write side of a {@link LuceneCaseStore}: every write runs under one lock, reads what it changes through
 * {@link CasesById#stored} (the writer's unrefreshed versions first), tells the searches what it wrote, and is
 * made durable in groups by the {@link CommitPolicy}. Arguments are checked by the store before they get here.
 */
final class LuceneWrites {

    private static final System.Logger LOG = System.getLogger(LuceneWrites.class.getName());

    /**
     * A write that leaves this many unrefreshed versions of cases kept for look-ups by id refreshes the searcher
     * (which drops them): a bound on that memory when writes come with no searches between them.
     */
    static final int MAX_PENDING = 1024;

    private final String name;
    private final IndexWriter writer;
    private final LuceneSearches searches;
    private final CasesById byId;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final CommitPolicy commits;
    /** Runs the commit that a write scheduled; null when every write commits itself. */
    private final ScheduledExecutorService committer;
    /** Writes acknowledged since the last commit; guarded by {@link #writeLock}. */
    private int uncommitted;
    /** The commit scheduled for the oldest uncommitted write, if any; guarded by {@link #writeLock}. */
    private ScheduledFuture<?> scheduled;
    private volatile boolean closed;

    LuceneWrites(String name, IndexWriter writer, LuceneSearches searches, CommitPolicy commits) {
        this.name = name;
        this.writer = writer;
        this.searches = searches;
        this.byId = searches.byId();
        this.commits = commits;
        this.committer = commits.everyWrite() ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lucene-commit " + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    Case add(Case value, float[] embedding, List<Evidence> evidence) {
        return write(() -> {
            if (byId.stored(null, value.id()) != null) {
                throw new IllegalArgumentException("case " + value.id() + " already exists");
            }
            put(value, embedding.clone(), Events.of(evidence), false);
            return value;
        });
    }

    List<Case> addAll(List<Case> values, List<float[]> embeddings, List<List<Evidence>> evidence) {
        return write(() -> {
            for (Case value : values) {
                if (byId.stored(null, value.id()) != null) {
                    throw new IllegalArgumentException("case " + value.id() + " already exists");
                }
            }
            searches.bulkAdd(); // a bulk load keeps no copies: look-ups by id refresh until a refresh shows them
            for (int i = 0; i < values.size(); i++) {
                writer.addDocument(CaseDocument.of(values.get(i), embeddings.get(i), evidence.get(i)));
            }
            return List.copyOf(values);
        });
    }

    void optimize() {
        write(() -> {
            writer.forceMerge(1);
            return null;
        });
    }

    Optional<Case> update(String tenant, UUID id, UnaryOperator<Case> change) {
        return write(() -> {
            CaseDocument.Stored current = byId.stored(tenant, id);
            if (current == null) {
                return Optional.empty();
            }
            Case next = change.apply(current.value());
            put(next, current.vector(), current.events(), true);
            return Optional.of(next);
        });
    }

    /**
     * One write for the whole batch: under the write lock, each case is looked up once (by id: no searcher refresh),
     * every new count is computed before anything is written, so an impossible count writes nothing, and the write is
     * counted once.
     */
    List<Case> adjustCounts(String tenant, Map<UUID, Integer> times, int usesDelta, int successesDelta) {
        return write(() -> {
            List<CaseDocument.Stored> next = new ArrayList<>(times.size());
            for (Map.Entry<UUID, Integer> entry : times.entrySet()) {
                CaseDocument.Stored current = byId.stored(tenant, entry.getKey());
                if (current != null) {
                    Case c = current.value();
                    int n = entry.getValue();
                    next.add(new CaseDocument.Stored(c.withCounts(c.uses() + n * usesDelta,
                            c.successes() + n * successesDelta), current.vector(), current.events()));
                }
            }
            for (CaseDocument.Stored stored : next) {
                put(stored.value(), stored.vector(), stored.events(), true);
            }
            return next.stream().map(CaseDocument.Stored::value).toList();
        });
    }

    boolean delete(String tenant, UUID id) {
        return write(() -> {
            if (byId.stored(tenant, id) == null) {
                return false;
            }
            writer.deleteDocuments(new Term(CaseDocument.ID, id.toString()));
            searches.deleted(id);
            return true;
        });
    }

    Optional<Case> addEvidence(String tenant, UUID id, Evidence evidence, Derivation derive) {
        return write(() -> {
            CaseDocument.Stored current = byId.stored(tenant, id);
            return current == null ? Optional.empty() : Optional.of(append(current, evidence, derive));
        });
    }

    /** Atomic as {@link LuceneCaseStore#merge} says: nothing else writes between its search and its write. */
    Merged merge(Merge merge) {
        Case fresh = merge.fresh();
        return write(() -> {
            CaseDocument.Stored target = byId.stored(fresh.tenant(), fresh.id());
            if (target == null) {
                UUID near = searches.nearDuplicate(merge.embedding(), merge.candidates(), merge.threshold());
                if (near != null) {
                    target = byId.stored(fresh.tenant(), near);
                }
            }
            if (target != null) {
                return new Merged(append(target, merge.evidence(), merge.derive()), true);
            }
            List<Evidence> events = List.of(merge.evidence());
            Case created = merge.derive().apply(fresh, events);
            put(created, merge.embedding().clone(), Events.of(events), false);
            return new Merged(created, false);
        });
    }

    /** Appends the event and writes the derived case; the caller holds the write lock. */
    private Case append(CaseDocument.Stored current, Evidence evidence, Derivation derive) throws IOException {
        List<Evidence> events = new ArrayList<>(current.evidence());
        events.add(evidence);
        Case next = derive.apply(current.value(), events);
        put(next, current.vector(), Events.of(events), true);
        return next;
    }

    /**
     * Writes this version of a case into the index writer (replacing the document of its id when {@code replace})
     * and keeps it for look-ups by id until a refreshed searcher shows it; the caller holds the write lock and hands
     * over a vector that nobody changes afterwards. Evidence read from the index and not changed is written back as
     * the JSON it was read as ({@link Events}).
     */
    private void put(Case value, float[] vector, Events evidence, boolean replace) throws IOException {
        if (replace) {
            writer.updateDocument(new Term(CaseDocument.ID, value.id().toString()),
                    CaseDocument.of(value, vector, evidence));
        } else {
            writer.addDocument(CaseDocument.of(value, vector, evidence));
        }
        searches.wrote(new CaseDocument.Stored(value, vector, evidence));
    }

    private interface Write<T> {
        T apply() throws IOException;
    }

    /**
     * Runs one write under the writer lock and counts it before returning, so every read that starts afterwards shows
     * it; commits it at once when the policy says so (every write, or {@code maxWrites} waiting), else makes sure a
     * commit runs within {@code maxDelay}.
     */
    private <T> T write(Write<T> body) {
        writeLock.lock();
        try {
            ensureOpen();
            T result = body.apply();
            searches.countWrite();
            if (searches.pending() >= MAX_PENDING) {
                searches.refresh(); // bounds the versions kept for look-ups by id when nothing reads
            }
            uncommitted++;
            if (commits.everyWrite() || uncommitted >= commits.maxWrites()) {
                commitLocked();
            } else if (scheduled == null) {
                scheduled = committer.schedule(this::scheduledCommit, commits.maxDelay().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
            return result;
        } catch (IOException e) {
            throw new StoreException("write to " + name + " failed: " + e.getMessage(), false, e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Makes every write acknowledged so far durable before returning. */
    void commit() {
        writeLock.lock();
        try {
            ensureOpen();
            commitLocked();
        } catch (IOException e) {
            throw new StoreException("commit of " + name + " failed: " + e.getMessage(), false, e);
        } finally {
            writeLock.unlock();
        }
    }

    private void commitLocked() throws IOException {
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
        if (uncommitted > 0) {
            writer.commit();
            uncommitted = 0;
        }
    }

    private void scheduledCommit() {
        writeLock.lock();
        try {
            scheduled = null;
            if (!closed) {
                commitLocked();
                searches.refresh(); // the commit flushed the segments: the refresh is cheap and empties PendingWrites
            }
        } catch (IOException | RuntimeException e) {
            // the writes stay acknowledged but uncommitted; the next write schedules another commit, close commits
            LOG.log(System.Logger.Level.WARNING, "group commit (or the refresh after it) of " + name + " failed: "
                    + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Stops the committer and closes the searches and the writer (which commits what is pending), after the write
     * under way; false when already closed.
     */
    boolean close() throws IOException {
        writeLock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            if (committer != null) {
                committer.shutdownNow();
            }
            searches.close();
            writer.close(); // commits what is pending
            return true;
        } finally {
            writeLock.unlock();
        }
    }
}
