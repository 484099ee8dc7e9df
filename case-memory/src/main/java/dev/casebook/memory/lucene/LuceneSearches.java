package dev.casebook.memory.lucene;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ReciprocalRankFusion;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.VectorQuery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ReferenceManager;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;

/**
 * The read side of a {@link LuceneCaseStore}: kNN search with the filter inside the HNSW search (pre-filtering,
 * {@link KnnSearch}), BM25 over the case text fused with it by reciprocal rank, listings and counts, all through one
 * {@link SearcherManager} over the store's writer, which the look-ups by id share ({@link #byId()}). Vectors are
 * checked by the store before they get here.
 *
 * <p>Look-ups by id need no refresh: they read the writer's own unrefreshed documents ({@link PendingWrites}) first
 * and the current searcher only for an id with none there, which then shows that id's latest write. Vector searches
 * need none either while few versions wait ({@link #OVERLAY_LIMIT}): they run on the current searcher and complete its
 * hits with an exact scan of those versions ({@link PendingOverlay}). Hybrid searches (BM25 has no exact scan here),
 * listings and counts refresh the searcher first when writes are waiting ({@link PendingWrites#refresh()}).
 */
final class LuceneSearches implements AutoCloseable {
    /**
     * A vector search runs on the current searcher plus an exact scan of the unrefreshed versions while at most this
     * many wait; beyond it the search refreshes the searcher first (the scan and the shadowed hits grow with them).
     */
    static final int OVERLAY_LIMIT = 256;

    private final String name;
    private final KnnSearch knn;
    private final Analyzer analyzer = new StandardAnalyzer();
    private final SearcherManager searchers;
    private final PendingWrites pending;
    private final CasesById byId;
    /** The latest vector searches and the writes since, for the writer's near-duplicate checks. */
    private final RecentSearches recent = new RecentSearches();
    /** Searchers reopened since the store opened (a refresh that found nothing new is not counted). */
    private final AtomicLong refreshes = new AtomicLong();

    LuceneSearches(String name, int minCandidates, IndexWriter writer) throws IOException {
        this.name = name;
        this.knn = new KnnSearch(minCandidates);
        this.searchers = new SearcherManager(writer, null);
        this.pending = new PendingWrites(searchers);
        this.byId = new CasesById(name, searchers, pending);
        this.searchers.addListener(new ReferenceManager.RefreshListener() {
            @Override
            public void beforeRefresh() {
            }

            @Override
            public void afterRefresh(boolean didRefresh) {
                if (didRefresh) {
                    refreshes.incrementAndGet();
                }
            }
        });
    }

    /**
     * Called by the writer after each write, under its lock: every read that starts after the write returned shows it
     * ({@link PendingWrites#countWrite()}).
     */
    void countWrite() {
        pending.countWrite();
    }

    /** The writer, under its lock, put this version of a case into the index writer. */
    void wrote(CaseDocument.Stored stored) {
        recent.wrote(pending.wrote(stored), stored.value().id(), stored);
    }

    /** The writer, under its lock, deleted the case {@code id}. */
    void deleted(UUID id) {
        recent.wrote(pending.deleted(id), id, null);
    }

    /**
     * The writer, under its lock, is putting documents into the index writer without telling {@link #wrote} (a bulk
     * add): look-ups by id and vector searches refresh the searcher until a refresh includes this write
     * ({@link PendingWrites#bulkAdd()}).
     */
    void bulkAdd() {
        recent.unlogged(pending.bulkAdd());
    }

    /** The look-ups by id, on this searcher and these unrefreshed versions. */
    CasesById byId() {
        return byId;
    }

    /** How many versions of cases wait for a refresh (their entries kept for look-ups by id). */
    int pending() {
        return pending.size();
    }

    long refreshes() {
        return refreshes.get();
    }

    long knnSearches() {
        return knn.searches();
    }

    void afterRefresh(Runnable hook) {
        pending.afterRefresh(hook);
    }

    /**
     * Makes the current searcher include every write counted before this call and drops the versions it now shows
     * ({@link PendingWrites#refresh()}).
     */
    void refresh() throws IOException {
        pending.refresh();
    }

    /**
     * The current searcher's nearest cases completed with the writer's unrefreshed versions ({@link PendingOverlay}):
     * no refresh unless a bulk add waits (its documents are not kept) or more than {@link #OVERLAY_LIMIT} versions
     * do. The snapshot of the versions is taken before the searcher is acquired (see {@link CasesById#stored}), so
     * every write that returned before this search began is either in the snapshot or shown by that searcher.
     */
    List<ScoredCase> search(VectorQuery query) {
        long before = pending.counted(); // read before the snapshot: every write numbered up to it is in this search
        List<ScoredCase> hits = searchNow(query);
        recent.searched(query.vector(), query.filter(), query.k(), before, hits);
        return hits;
    }

    private List<ScoredCase> searchNow(VectorQuery query) {
        if (pending.bulkAddUnseen() || pending.size() > OVERLAY_LIMIT) {
            refreshForRead();
        }
        PendingOverlay overlay = new PendingOverlay(pending.snapshot());
        return current(searcher -> overlay.merge(
                knn.nearest(searcher, query.vector(), FilterQuery.of(query.filter()), query.k(), overlay),
                query.vector(), query.filter(), query.k()));
    }

    /**
     * The id of the case nearest to {@code vector} among those {@code filter} admits when it scores at least
     * {@code threshold}, else null: the writer's near-duplicate check, under its lock. Answered by a search made
     * earlier with the same vector when one can ({@link RecentSearches}), else by a kNN search for one hit.
     */
    UUID nearDuplicate(float[] vector, CaseFilter filter, double threshold) throws IOException {
        RecentSearches.Answer seen = recent.nearDuplicate(vector, filter, threshold, byId::stored);
        if (seen != null) {
            return seen.id();
        }
        List<ScoredCase> nearest = searchNow(new VectorQuery(vector, filter, 1));
        return !nearest.isEmpty() && nearest.getFirst().score() >= threshold ? nearest.getFirst().value().id() : null;
    }

    List<ScoredCase> hybridSearch(HybridQuery query) {
        return read(searcher -> {
            Query filter = FilterQuery.of(query.filter());
            int depth = Math.max(query.k(), 50);
            List<Case> byVector = knn.nearest(searcher, query.vector(), filter, depth, PendingOverlay.NONE).stream()
                    .map(ScoredCase::value).toList();
            List<Case> byText = new ArrayList<>();
            Query text = TextQuery.of(analyzer, query.text(), filter);
            if (text != null) {
                for (ScoreDoc hit : searcher.search(text, depth).scoreDocs) {
                    byText.add(CaseDocument.readCase(searcher.storedFields(), hit.doc));
                }
            }
            return ReciprocalRankFusion.fuse(List.of(byVector, byText), query.rrfK(), query.k());
        });
    }

    CasePage list(CaseFilter filter, int offset, int limit) {
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
                items.add(CaseDocument.readCase(searcher.storedFields(), hits[i].doc));
            }
            return new CasePage(items, total, offset, limit);
        });
    }

    long count(CaseFilter filter) {
        return read(searcher -> (long) searcher.count(FilterQuery.of(filter)));
    }

    private interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** Refreshes the searcher when writes wait, then runs {@code body} on it. */
    private <T> T read(Read<T> body) {
        refreshForRead();
        return current(body);
    }

    /** {@link #refresh()} for a read, whose failure is a failed read. */
    private void refreshForRead() {
        try {
            refresh();
        } catch (IOException e) {
            throw new StoreException("read from " + name + " failed: " + e.getMessage(), true, e);
        }
    }

    /** Runs {@code body} on the current searcher, unrefreshed. */
    private <T> T current(Read<T> body) {
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

    @Override
    public void close() throws IOException {
        searchers.close();
    }
}
