package dev.casebook.memory.lucene;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.VectorQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;

/**
 * Case memory in a Lucene index on a directory: an HNSW graph over the embeddings (cosine) and BM25 over the case
 * text (task, plan, answer). The store's embedding model and dimension are kept in the commit data; opening the
 * directory with another dimension fails with a {@link StoreException}. A directory of layout format 1 (before the
 * {@link dev.casebook.memory.TaskKey} field) is rewritten with it when opened.
 *
 * <p>One writer, many readers: writes are serialised, and each is visible to every read when it returns. Reads go
 * through a {@link SearcherManager} refreshed near-real-time from the writer after each group commit; look-ups by id
 * (and the writer's own look-ups) read the writer's unrefreshed versions of the cases first ({@link PendingCases}),
 * vector searches complete the current searcher's hits with them ({@link PendingOverlay}), and neither refreshes
 * while few wait; hybrid searches, listings and counts refresh first when writes are waiting. Writes are made durable
 * in groups by the {@link CommitPolicy}: a crash loses the writes acknowledged since the last commit, at most {@code
 * maxDelay} or {@code maxWrites} of them; {@link #close()} and {@link #commit()} commit at once. Filters run inside
 * the kNN search (pre-filtering), so a selective filter still yields {@code k} hits. Only one store may have a
 * directory open at a time.
 */
public final class LuceneCaseStore implements CaseStore {

    private static final System.Logger LOG = System.getLogger(LuceneCaseStore.class.getName());

    /** The kNN search explores at least this many candidates, for recall, and returns the best {@code k}. */
    public static final int DEFAULT_MIN_CANDIDATES = 200;

    /**
     * A write that leaves this many unrefreshed versions of cases kept for look-ups by id refreshes the searcher
     * (which drops them): a bound on that memory when writes come with no searches between them.
     */
    static final int MAX_PENDING = 1024;

    private final String name;
    private final EmbeddingSpace space;
    private final Directory directory;
    private final IndexWriter writer;
    private final LuceneSearches searches;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final CommitPolicy commits;
    /** Runs the commit that a write scheduled; null when every write commits itself. */
    private final ScheduledExecutorService committer;
    /** Writes acknowledged since the last commit; guarded by {@link #writeLock}. */
    private int uncommitted;
    /** The commit scheduled for the oldest uncommitted write, if any; guarded by {@link #writeLock}. */
    private ScheduledFuture<?> scheduled;
    private volatile boolean closed;

    private LuceneCaseStore(String name, EmbeddingSpace space, int minCandidates, CommitPolicy commits,
                            Directory directory, IndexWriter writer) throws IOException {
        this.name = name;
        this.space = space;
        this.directory = directory;
        this.writer = writer;
        this.searches = new LuceneSearches(name, minCandidates, writer);
        this.commits = commits;
        this.committer = commits.everyWrite() ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lucene-commit " + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens (or creates) the store in {@code path} for embeddings of {@code space}, commits by {@link CommitPolicy#DEFAULT}. */
    public static LuceneCaseStore open(Path path, EmbeddingSpace space) {
        return open(path, space, DEFAULT_MIN_CANDIDATES);
    }

    public static LuceneCaseStore open(Path path, EmbeddingSpace space, int minCandidates) {
        return open(path, space, minCandidates, CommitPolicy.DEFAULT);
    }

    public static LuceneCaseStore open(Path path, EmbeddingSpace space, int minCandidates, CommitPolicy commits) {
        return open(path, space, minCandidates, commits, VectorFormat.FLOAT32);
    }

    /**
     * Opens the store with its vectors indexed in {@code vectors} (the HNSW graph over full or quantized vectors;
     * segments written before in another format keep theirs until merged).
     */
    public static LuceneCaseStore open(Path path, EmbeddingSpace space, int minCandidates, CommitPolicy commits,
                                       VectorFormat vectors) {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(commits, "commits");
        Objects.requireNonNull(vectors, "vectors");
        if (minCandidates < 1) {
            throw new IllegalArgumentException("minCandidates must be positive, was " + minCandidates);
        }
        String name = "Lucene case store at " + path.toAbsolutePath();
        Directory directory = null;
        try {
            Files.createDirectories(path);
            directory = FSDirectory.open(path);
            StoreMetadata.Recorded recorded = StoreMetadata.read(directory, name);
            EmbeddingSpace stored = recorded == null ? null : recorded.space();
            if (stored != null) {
                stored.requireCompatible(space, name);
            }
            IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(256)
                    .setCodec(vectors.codec());
            int maxDimensions = config.getCodec().knnVectorsFormat().getMaxDimensions(CaseDocument.VECTOR);
            if (space.dimension() > maxDimensions) {
                throw new StoreException(name + " cannot hold vectors of dimension " + space.dimension()
                        + "; Lucene's limit is " + maxDimensions, false, null);
            }
            IndexWriter writer = new IndexWriter(directory, config);
            if (recorded != null && recorded.format() < StoreMetadata.CURRENT_FORMAT) {
                upgrade(writer);
            }
            writer.setLiveCommitData(StoreMetadata.of(stored != null ? stored : space).entrySet());
            writer.commit();
            return new LuceneCaseStore(name, stored != null ? stored : space, minCandidates, commits, directory,
                    writer);
        } catch (LockObtainFailedException e) {
            closeQuietly(directory);
            throw new StoreException(name + " is already open by another store (its write.lock is held)", true, e);
        } catch (IOException e) {
            closeQuietly(directory);
            throw new StoreException("cannot open " + name + ": " + e.getMessage(), false, e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            throw e;
        }
    }

    /**
     * Rewrites every document of an older directory in the current layout, from the stored fields (the raw vector
     * included): format 1 gains its {@link CaseDocument#TASK_KEY}, so guarded searches exclude old cases too; formats
     * 1 and 2 gain the default bank and one evidence event from the case's state. Committed with the new format by
     * the caller; a crash before that commit leaves the old format, and the next open starts again.
     */
    private static void upgrade(IndexWriter writer) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields fields = leaf.reader().storedFields();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live == null || live.get(doc)) {
                        CaseDocument.Stored stored = CaseDocument.read(fields.document(doc));
                        writer.updateDocument(new Term(CaseDocument.ID, stored.value().id().toString()),
                                CaseDocument.of(stored.value(), stored.vector(), stored.evidence()));
                    }
                }
            }
        }
    }

    /** The model id and dimension this store was built with. */
    public EmbeddingSpace space() {
        return space;
    }

    @Override
    public int dimension() {
        return space.dimension();
    }

    // ---------------------------------------------------------------- writes

    @Override
    public Case add(Case value, float[] embedding, List<Evidence> evidence) {
        Objects.requireNonNull(value, "value");
        space.requireUsable(embedding);
        requireEvidence(evidence);
        return write(() -> {
            if (searches.stored(null, value.id()) != null) {
                throw new IllegalArgumentException("case " + value.id() + " already exists");
            }
            put(value, embedding.clone(), Events.of(evidence), false);
            return value;
        });
    }

    private static void requireEvidence(List<Evidence> evidence) {
        if (evidence == null || evidence.isEmpty()) {
            throw new IllegalArgumentException("a case needs at least one evidence event");
        }
    }

    /**
     * Adds many cases with one commit (bulk loading, imports). Every vector is checked before anything is written;
     * ids must be new.
     */
    @Override
    public List<Case> addAll(List<Case> values, List<float[]> embeddings, List<List<Evidence>> evidence) {
        CaseStore.requireBatch(values, embeddings);
        embeddings.forEach(space::requireUsable);
        if (evidence.size() != values.size()) {
            throw new IllegalArgumentException(values.size() + " cases but " + evidence.size()
                    + " evidence lists; they must pair up");
        }
        evidence.forEach(LuceneCaseStore::requireEvidence);
        return write(() -> {
            for (Case value : values) {
                if (searches.stored(null, value.id()) != null) {
                    throw new IllegalArgumentException("case " + value.id() + " already exists");
                }
            }
            searches.untracked(); // a bulk load keeps no copies: look-ups by id refresh until a refresh shows them
            for (int i = 0; i < values.size(); i++) {
                writer.addDocument(CaseDocument.of(values.get(i), embeddings.get(i), evidence.get(i)));
            }
            return List.copyOf(values);
        });
    }

    /**
     * Merges the index into one segment (one HNSW graph), which makes searches faster after a bulk load. Blocks
     * writers while it runs; readers go on.
     */
    public void optimize() {
        write(() -> {
            writer.forceMerge(1);
            return null;
        });
    }

    @Override
    public Optional<Case> updateOutcome(String tenant, UUID id, String plan, String answer, double reward,
                                        CaseLabel label) {
        return update(tenant, id, c -> c.withOutcome(plan, answer, reward, label));
    }

    @Override
    public Optional<Case> relabel(String tenant, UUID id, CaseLabel label) {
        return update(tenant, id, c -> c.withLabel(label));
    }

    @Override
    public Optional<Case> recordUse(String tenant, UUID id, boolean success) {
        return update(tenant, id, c -> c.withCounts(c.uses() + 1, c.successes() + (success ? 1 : 0)));
    }

    @Override
    public Optional<Case> confirm(String tenant, UUID id) {
        return update(tenant, id, Case::confirmedByRealOutcome);
    }

    @Override
    public Optional<Case> refute(String tenant, UUID id) {
        return update(tenant, id, Case::refutedByRealFailure);
    }

    @Override
    public Optional<Case> adjustCounts(String tenant, UUID id, int usesDelta, int successesDelta) {
        return update(tenant, id, c -> c.withCounts(c.uses() + usesDelta, c.successes() + successesDelta));
    }

    /**
     * One write for the whole batch: under the write lock, each case is looked up once (by id: no searcher refresh),
     * every new count is computed before anything is written, so an impossible count writes nothing, and the readers
     * are marked stale once.
     */
    @Override
    public List<Case> adjustCounts(String tenant, List<UUID> ids, int usesDelta, int successesDelta) {
        Objects.requireNonNull(tenant, "tenant");
        Map<UUID, Integer> times = CaseStore.occurrences(ids);
        if (times.isEmpty()) {
            return List.of();
        }
        return write(() -> {
            List<CaseDocument.Stored> next = new ArrayList<>(times.size());
            for (Map.Entry<UUID, Integer> entry : times.entrySet()) {
                CaseDocument.Stored current = searches.stored(tenant, entry.getKey());
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

    @Override
    public boolean delete(String tenant, UUID id) {
        return write(() -> {
            if (searches.stored(tenant, id) == null) {
                return false;
            }
            writer.deleteDocuments(new Term(CaseDocument.ID, id.toString()));
            searches.deleted(id);
            return true;
        });
    }

    private Optional<Case> update(String tenant, UUID id, UnaryOperator<Case> change) {
        return write(() -> {
            CaseDocument.Stored current = searches.stored(tenant, id);
            if (current == null) {
                return Optional.empty();
            }
            Case next = change.apply(current.value());
            put(next, current.vector(), current.events(), true);
            return Optional.of(next);
        });
    }

    @Override
    public Optional<Case> addEvidence(String tenant, UUID id, Evidence evidence, Derivation derive) {
        Objects.requireNonNull(evidence, "evidence");
        return write(() -> {
            CaseDocument.Stored current = searches.stored(tenant, id);
            return current == null ? Optional.empty() : Optional.of(append(current, evidence, derive));
        });
    }

    /**
     * All writes of this store are serialised by its write lock and each is visible to the next, so a merge is
     * atomic per (tenant, task key) and more: nothing else writes between its search and its write.
     */
    @Override
    public Merged merge(Merge merge) {
        Case fresh = merge.fresh();
        space.requireUsable(merge.embedding());
        return write(() -> {
            CaseDocument.Stored target = searches.stored(fresh.tenant(), fresh.id());
            if (target == null) {
                List<ScoredCase> nearest = searches.search(new VectorQuery(merge.embedding(), merge.candidates(), 1));
                if (!nearest.isEmpty() && nearest.getFirst().score() >= merge.threshold()) {
                    target = searches.stored(fresh.tenant(), nearest.getFirst().value().id());
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
     * Runs one write under the writer lock and refreshes the readers before returning; commits it at once when the
     * policy says so (every write, or {@code maxWrites} waiting), else makes sure a commit runs within
     * {@code maxDelay}.
     */
    private <T> T write(Write<T> body) {
        writeLock.lock();
        try {
            ensureOpen();
            T result = body.apply();
            searches.markStale();
            if (searches.pending() >= MAX_PENDING) {
                searches.freshen(); // bounds the versions kept for look-ups by id when nothing reads
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
    public void commit() {
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
                searches.freshen(); // the commit flushed the segments: the refresh is cheap and empties PendingCases
            }
        } catch (IOException | RuntimeException e) {
            // the writes stay acknowledged but uncommitted; the next write schedules another commit, close commits
            LOG.log(System.Logger.Level.WARNING, "group commit (or the refresh after it) of " + name + " failed: "
                    + e.getMessage(), e);
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public List<ScoredCase> search(VectorQuery query) {
        space.requireUsable(query.vector());
        ensureOpen();
        return searches.search(query);
    }

    @Override
    public List<ScoredCase> hybridSearch(HybridQuery query) {
        space.requireUsable(query.vector());
        ensureOpen();
        return searches.hybridSearch(query);
    }

    @Override
    public Optional<Case> get(String tenant, UUID id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        ensureOpen();
        return searches.get(tenant, id);
    }

    @Override
    public Optional<float[]> embedding(String tenant, UUID id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        ensureOpen();
        return searches.vector(tenant, id);
    }

    @Override
    public List<Evidence> history(String tenant, UUID id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        ensureOpen();
        return searches.evidence(tenant, id);
    }

    @Override
    public CasePage list(CaseFilter filter, int offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        ensureOpen();
        return searches.list(filter, offset, limit);
    }

    @Override
    public long count(CaseFilter filter) {
        ensureOpen();
        return searches.count(filter);
    }

    /** Searchers reopened since the store opened (a refresh that found nothing new is not counted). */
    public long refreshes() {
        return searches.refreshes();
    }

    /** Versions of cases kept for look-ups by id until a refresh shows them; for tests. */
    int pending() {
        return searches.pending();
    }

    /** Runs {@code hook} after each searcher refresh, before the versions it shows are dropped; for tests. */
    void afterRefresh(Runnable hook) {
        searches.afterRefresh(hook);
    }

    // ---------------------------------------------------------------- vectors, lifecycle

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (committer != null) {
                committer.shutdownNow();
            }
            searches.close();
            writer.close(); // commits what is pending
            directory.close();
        } catch (IOException e) {
            throw new StoreException("closing " + name + " failed: " + e.getMessage(), false, e);
        } finally {
            writeLock.unlock();
        }
    }

    private static void closeQuietly(Directory directory) {
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException ignored) {
                // the open failure is what the caller needs to see
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
