package dev.casebook.memory.lucene;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ReciprocalRankFusion;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.VectorQuery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
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
 * <p>One writer, many readers: writes are serialised and each one is committed before it returns, so a restart
 * keeps every acknowledged write; reads go through a {@link SearcherManager} refreshed after every write. Filters
 * run inside the kNN search (pre-filtering), so a selective filter still yields {@code k} hits. Only one store may
 * have a directory open at a time.
 */
public final class LuceneCaseStore implements CaseStore {

    /** The kNN search explores at least this many candidates, for recall, and returns the best {@code k}. */
    public static final int DEFAULT_MIN_CANDIDATES = 200;

    private final String name;
    private final EmbeddingSpace space;
    private final int minCandidates;
    private final Directory directory;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean closed;

    private LuceneCaseStore(String name, EmbeddingSpace space, int minCandidates, Directory directory,
                            IndexWriter writer) throws IOException {
        this.name = name;
        this.space = space;
        this.minCandidates = minCandidates;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
    }

    /** Opens (or creates) the store in {@code path} for embeddings of {@code space}. */
    public static LuceneCaseStore open(Path path, EmbeddingSpace space) {
        return open(path, space, DEFAULT_MIN_CANDIDATES);
    }

    public static LuceneCaseStore open(Path path, EmbeddingSpace space, int minCandidates) {
        Objects.requireNonNull(space, "space");
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
                    .setRAMBufferSizeMB(256);
            int maxDimensions = config.getCodec().knnVectorsFormat().getMaxDimensions(CaseDocument.VECTOR);
            if (space.dimension() > maxDimensions) {
                throw new StoreException(name + " cannot hold vectors of dimension " + space.dimension()
                        + "; Lucene's limit is " + maxDimensions, false, null);
            }
            IndexWriter writer = new IndexWriter(directory, config);
            if (recorded != null && recorded.format() < StoreMetadata.CURRENT_FORMAT) {
                addTaskKeys(writer);
            }
            writer.setLiveCommitData(StoreMetadata.of(stored != null ? stored : space).entrySet());
            writer.commit();
            return new LuceneCaseStore(name, stored != null ? stored : space, minCandidates, directory, writer);
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
     * Rewrites every document of a format-1 directory with its {@link CaseDocument#TASK_KEY}, from the stored fields
     * (the raw vector included), so guarded searches exclude old cases too. Committed with the new format by the
     * caller; a crash before that commit leaves the old format, and the next open starts again.
     */
    private static void addTaskKeys(IndexWriter writer) throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields fields = leaf.reader().storedFields();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live == null || live.get(doc)) {
                        CaseDocument.Stored stored = CaseDocument.read(fields.document(doc));
                        writer.updateDocument(new Term(CaseDocument.ID, stored.value().id().toString()),
                                CaseDocument.of(stored.value(), stored.vector()));
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
    public Case add(Case value, float[] embedding) {
        Objects.requireNonNull(value, "value");
        requireUsable(embedding);
        return write(() -> {
            if (find(null, value.id()) != null) {
                throw new IllegalArgumentException("case " + value.id() + " already exists");
            }
            writer.addDocument(CaseDocument.of(value, embedding));
            return value;
        });
    }

    /**
     * Adds many cases with one commit (bulk loading, imports). Every vector is checked before anything is written;
     * ids must be new.
     */
    public List<Case> addAll(List<Case> values, List<float[]> embeddings) {
        if (values.size() != embeddings.size()) {
            throw new IllegalArgumentException(
                    values.size() + " cases but " + embeddings.size() + " embeddings; they must pair up");
        }
        embeddings.forEach(this::requireUsable);
        Set<UUID> ids = new HashSet<>();
        for (Case value : values) {
            if (!ids.add(value.id())) {
                throw new IllegalArgumentException("case " + value.id() + " appears twice in the batch");
            }
        }
        return write(() -> {
            for (Case value : values) {
                if (find(null, value.id()) != null) {
                    throw new IllegalArgumentException("case " + value.id() + " already exists");
                }
            }
            for (int i = 0; i < values.size(); i++) {
                writer.addDocument(CaseDocument.of(values.get(i), embeddings.get(i)));
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
    public Optional<Case> adjustCounts(String tenant, UUID id, int usesDelta, int successesDelta) {
        return update(tenant, id, c -> c.withCounts(c.uses() + usesDelta, c.successes() + successesDelta));
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        return write(() -> {
            if (find(tenant, id) == null) {
                return false;
            }
            writer.deleteDocuments(new Term(CaseDocument.ID, id.toString()));
            return true;
        });
    }

    private Optional<Case> update(String tenant, UUID id, UnaryOperator<Case> change) {
        return write(() -> {
            CaseDocument.Stored current = find(tenant, id);
            if (current == null) {
                return Optional.empty();
            }
            Case next = change.apply(current.value());
            writer.updateDocument(new Term(CaseDocument.ID, id.toString()), CaseDocument.of(next, current.vector()));
            return Optional.of(next);
        });
    }

    private interface Write<T> {
        T apply() throws IOException;
    }

    /** Runs one write under the writer lock, then commits and refreshes the readers before returning. */
    private <T> T write(Write<T> body) {
        writeLock.lock();
        try {
            ensureOpen();
            T result = body.apply();
            writer.commit();
            searchers.maybeRefreshBlocking();
            return result;
        } catch (IOException e) {
            throw new StoreException("write to " + name + " failed: " + e.getMessage(), false, e);
        } finally {
            writeLock.unlock();
        }
    }

    // ---------------------------------------------------------------- reads

    @Override
    public List<ScoredCase> search(VectorQuery query) {
        requireUsable(query.vector());
        return read(searcher -> nearest(searcher, query.vector(), FilterQuery.of(query.filter()), query.k()));
    }

    @Override
    public List<ScoredCase> hybridSearch(HybridQuery query) {
        requireUsable(query.vector());
        return read(searcher -> {
            Query filter = FilterQuery.of(query.filter());
            int depth = Math.max(query.k(), 50);
            List<Case> byVector = nearest(searcher, query.vector(), filter, depth).stream()
                    .map(ScoredCase::value).toList();
            List<Case> byText = new ArrayList<>();
            Query text = TextQuery.of(analyzer, query.text(), filter);
            if (text != null) {
                for (ScoreDoc hit : searcher.search(text, depth).scoreDocs) {
                    byText.add(load(searcher, hit.doc).value());
                }
            }
            return ReciprocalRankFusion.fuse(List.of(byVector, byText), query.rrfK(), query.k());
        });
    }

    private List<ScoredCase> nearest(IndexSearcher searcher, float[] vector, Query filter, int k) throws IOException {
        int candidates = Math.max(k, minCandidates);
        TopDocs top = searcher.search(new KnnFloatVectorQuery(CaseDocument.VECTOR, vector, candidates, filter),
                candidates);
        List<ScoredCase> hits = new ArrayList<>(top.scoreDocs.length);
        for (ScoreDoc hit : top.scoreDocs) {
            CaseDocument.Stored stored = load(searcher, hit.doc);
            hits.add(new ScoredCase(stored.value(), cosine(vector, stored.vector())));
        }
        hits.sort(Comparator.comparingDouble(ScoredCase::score).reversed());
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    @Override
    public Optional<Case> get(String tenant, UUID id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        return read(searcher -> {
            CaseDocument.Stored found = find(searcher, tenant, id);
            return Optional.ofNullable(found).map(CaseDocument.Stored::value);
        });
    }

    @Override
    public CasePage list(CaseFilter filter, int offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, was " + offset);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        return read(searcher -> {
            Query query = FilterQuery.of(filter);
            int total = searcher.count(query);
            if (offset >= total) {
                return new CasePage(List.of(), total, offset, limit);
            }
            int wanted = (int) Math.min((long) offset + limit, total);
            Sort newestFirst = new Sort(new SortField(CaseDocument.CREATED_SORT, SortField.Type.LONG, true),
                    new SortField(CaseDocument.ID, SortField.Type.STRING));
            ScoreDoc[] hits = searcher.search(query, wanted, newestFirst).scoreDocs;
            List<Case> items = new ArrayList<>();
            for (int i = offset; i < hits.length; i++) {
                items.add(load(searcher, hits[i].doc).value());
            }
            return new CasePage(items, total, offset, limit);
        });
    }

    @Override
    public long count(CaseFilter filter) {
        return read(searcher -> (long) searcher.count(FilterQuery.of(filter)));
    }

    private interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T read(Read<T> body) {
        ensureOpen();
        IndexSearcher searcher;
        try {
            searcher = searchers.acquire();
        } catch (IOException e) {
            throw new StoreException("read from " + name + " failed: " + e.getMessage(), true, e);
        }
        try {
            return body.apply(searcher);
        } catch (IOException e) {
            throw new StoreException("read from " + name + " failed: " + e.getMessage(), true, e);
        } finally {
            try {
                searchers.release(searcher);
            } catch (IOException e) {
                throw new StoreException("releasing a reader of " + name + " failed: " + e.getMessage(), false, e);
            }
        }
    }

    /** The stored case with this id (of any tenant when {@code tenant} is null), from the current searcher. */
    private CaseDocument.Stored find(String tenant, UUID id) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            return find(searcher, tenant, id);
        } finally {
            searchers.release(searcher);
        }
    }

    private static CaseDocument.Stored find(IndexSearcher searcher, String tenant, UUID id) throws IOException {
        Query query = tenant == null
                ? new TermQuery(new Term(CaseDocument.ID, id.toString()))
                : FilterQuery.byId(tenant, id.toString());
        ScoreDoc[] hits = searcher.search(query, 1).scoreDocs;
        return hits.length == 0 ? null : load(searcher, hits[0].doc);
    }

    private static CaseDocument.Stored load(IndexSearcher searcher, int doc) throws IOException {
        return CaseDocument.read(searcher.storedFields().document(doc));
    }

    // ---------------------------------------------------------------- vectors, lifecycle

    private void requireUsable(float[] vector) {
        Objects.requireNonNull(vector, "vector");
        space.requireMatching(vector);
        double norm = 0;
        for (float v : vector) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("vector must hold finite numbers only, found " + v);
            }
            norm += (double) v * v;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("vector must not be all zeros: cosine similarity is undefined");
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

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
            searchers.close();
            writer.close();
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
