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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
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
 * <p>One writer, many readers: writes are serialised ({@link LuceneWrites}), and each is visible to every read when it
 * returns. Reads go through a {@link SearcherManager} refreshed near-real-time from the writer after each group
 * commit; look-ups by id (and the writer's own look-ups) read the writer's unrefreshed versions of the cases first
 * ({@link PendingWrites}), vector searches complete the current searcher's hits with them ({@link PendingOverlay}), and
 * neither refreshes while few wait; hybrid searches, listings and counts refresh first when writes are waiting. Writes
 * are made durable in groups by the {@link CommitPolicy}: a crash loses the writes acknowledged since the last commit,
 * at most {@code maxDelay} or {@code maxWrites} of them; {@link #close()} and {@link #commit()} commit at once.
 * Filters run inside the kNN search (pre-filtering), so a selective filter still yields {@code k} hits. Only one store
 * may have a directory open at a time.
 */
public final class LuceneCaseStore implements CaseStore {

    /** The kNN search explores at least this many candidates, for recall, and returns the best {@code k}. */
    public static final int DEFAULT_MIN_CANDIDATES = 200;

    private final String name;
    private final EmbeddingSpace space;
    private final Directory directory;
    private final LuceneSearches searches;
    private final CasesById byId;
    private final LuceneWrites writes;

    private LuceneCaseStore(String name, EmbeddingSpace space, int minCandidates, CommitPolicy commits,
                            Directory directory, IndexWriter writer) throws IOException {
        this.name = name;
        this.space = space;
        this.directory = directory;
        this.searches = new LuceneSearches(name, minCandidates, writer);
        this.byId = searches.byId();
        this.writes = new LuceneWrites(name, writer, searches, commits);
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
        return writes.add(value, embedding, evidence);
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
        return writes.addAll(values, embeddings, evidence);
    }

    /**
     * Merges the index into one segment (one HNSW graph), which makes searches faster after a bulk load. Blocks
     * writers while it runs; readers go on.
     */
    public void optimize() {
        writes.optimize();
    }

    @Override
    public Optional<Case> updateOutcome(String tenant, UUID id, String plan, String answer, double reward,
                                        CaseLabel label) {
        return writes.update(tenant, id, c -> c.withOutcome(plan, answer, reward, label));
    }

    @Override
    public Optional<Case> relabel(String tenant, UUID id, CaseLabel label) {
        return writes.update(tenant, id, c -> c.withLabel(label));
    }

    @Override
    public Optional<Case> recordUse(String tenant, UUID id, boolean success) {
        return writes.update(tenant, id, c -> c.withCounts(c.uses() + 1, c.successes() + (success ? 1 : 0)));
    }

    @Override
    public Optional<Case> confirm(String tenant, UUID id) {
        return writes.update(tenant, id, Case::confirmedByRealOutcome);
    }

    @Override
    public Optional<Case> refute(String tenant, UUID id) {
        return writes.update(tenant, id, Case::refutedByRealFailure);
    }

    @Override
    public Optional<Case> reinstate(String tenant, UUID id) {
        return writes.update(tenant, id, Case::reinstated);
    }

    @Override
    public Optional<Case> adjustCounts(String tenant, UUID id, int usesDelta, int successesDelta) {
        return writes.update(tenant, id, c -> c.withCounts(c.uses() + usesDelta, c.successes() + successesDelta));
    }

    /** One write for the whole batch ({@link LuceneWrites#adjustCounts}): an impossible count writes nothing. */
    @Override
    public List<Case> adjustCounts(String tenant, List<UUID> ids, int usesDelta, int successesDelta) {
        Objects.requireNonNull(tenant, "tenant");
        Map<UUID, Integer> times = CaseStore.occurrences(ids);
        if (times.isEmpty()) {
            return List.of();
        }
        return writes.adjustCounts(tenant, times, usesDelta, successesDelta);
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        return writes.delete(tenant, id);
    }

    @Override
    public Optional<Case> addEvidence(String tenant, UUID id, Evidence evidence, Derivation derive) {
        Objects.requireNonNull(evidence, "evidence");
        return writes.addEvidence(tenant, id, evidence, derive);
    }

    /**
     * All writes of this store are serialised by its write lock and each is visible to the next, so a merge is
     * atomic per (tenant, task key) and more: nothing else writes between its search and its write.
     */
    @Override
    public Merged merge(Merge merge) {
        space.requireUsable(merge.embedding());
        return writes.merge(merge);
    }

    /** Makes every write acknowledged so far durable before returning. */
    public void commit() {
        writes.commit();
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
        return byId.get(tenant, id);
    }

    @Override
    public Optional<float[]> embedding(String tenant, UUID id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        ensureOpen();
        return byId.vector(tenant, id);
    }

    @Override
    public List<Evidence> history(String tenant, UUID id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        ensureOpen();
        return byId.evidence(tenant, id);
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

    /** kNN searches run on a searcher since the store opened; for tests. */
    long knnSearches() {
        return searches.knnSearches();
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
        writes.ensureOpen();
    }

    @Override
    public void close() {
        try {
            if (writes.close()) {
                directory.close();
            }
        } catch (IOException e) {
            throw new StoreException("closing " + name + " failed: " + e.getMessage(), false, e);
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
