package dev.casebook.memory.lucene;

import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.embedding.Vectors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * The kNN half of a {@link LuceneSearches} vector search, on one searcher: the HNSW search with the filter inside it
 * (pre-filtering) for at least {@code minCandidates} candidates, the candidates re-scored by the exact cosine of
 * their full vectors, and the hits a {@link PendingOverlay} shadows left out, the searcher's document of them being
 * older than the writer's version.
 */
final class KnnSearch {
    private final int minCandidates;
    /** kNN searches run on a searcher since the store opened; for tests. */
    private final AtomicLong searches = new AtomicLong();

    KnnSearch(int minCandidates) {
        this.minCandidates = minCandidates;
    }

    long searches() {
        return searches.get();
    }

    /**
     * The best {@code k} hits of the kNN search, re-scored, that {@code overlay} does not shadow. A hit's id is read
     * from its doc values, so only the hits returned load their stored case (without its vector and evidence); the
     * search explores one more candidate per kept version, so shadowed hits do not cost results.
     */
    List<ScoredCase> nearest(IndexSearcher searcher, float[] vector, Query filter, int k, PendingOverlay overlay)
            throws IOException {
        int candidates = Math.max(k + overlay.size(), minCandidates);
        searches.incrementAndGet();
        TopDocs top = searcher.search(new KnnFloatVectorQuery(CaseDocument.VECTOR, vector, candidates, filter),
                candidates);
        Rescored[] rescored = rescore(searcher, vector, top.scoreDocs);
        StoredFields fields = searcher.storedFields();
        List<ScoredCase> hits = new ArrayList<>(Math.min(k, rescored.length));
        for (int i = 0; i < rescored.length && hits.size() < k; i++) {
            int doc = rescored[i].doc();
            if (overlay.isEmpty() || !overlay.shadows(idOf(searcher, doc))) {
                hits.add(new ScoredCase(CaseDocument.readCase(fields, doc), rescored[i].score()));
            }
        }
        return List.copyOf(hits);
    }

    private static UUID idOf(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        SortedDocValues ids = DocValues.getSorted(leaf.reader(), CaseDocument.ID);
        if (!ids.advanceExact(doc - leaf.docBase)) {
            throw new IOException("document " + doc + " has no id");
        }
        return UUID.fromString(ids.lookupOrd(ids.ordValue()).utf8ToString());
    }

    /**
     * The candidates with the exact cosine of their full vectors, best first: the vectors are read from the index
     * (its float vectors, kept beside any quantized copy), so only the best {@code k} load their stored case.
     */
    private record Rescored(int doc, double score) {
    }

    private static Rescored[] rescore(IndexSearcher searcher, float[] vector, ScoreDoc[] candidates)
            throws IOException {
        ScoreDoc[] byDoc = candidates.clone();
        Arrays.sort(byDoc, Comparator.comparingInt(hit -> hit.doc));
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        Rescored[] scored = new Rescored[byDoc.length];
        int leafIndex = -1;
        FloatVectorValues values = null;
        KnnVectorValues.DocIndexIterator iterator = null;
        for (int i = 0; i < byDoc.length; i++) {
            int doc = byDoc[i].doc;
            int at = ReaderUtil.subIndex(doc, leaves);
            if (at != leafIndex) {
                leafIndex = at;
                values = leaves.get(at).reader().getFloatVectorValues(CaseDocument.VECTOR);
                iterator = values.iterator();
            }
            int local = doc - leaves.get(at).docBase;
            if (iterator.docID() < local) {
                iterator.advance(local);
            }
            if (iterator.docID() != local) {
                throw new IOException("document " + doc + " has no vector");
            }
            scored[i] = new Rescored(doc, Vectors.cosine(vector, values.vectorValue(iterator.index())));
        }
        Arrays.sort(scored, Comparator.comparingDouble(Rescored::score).reversed().thenComparingInt(Rescored::doc));
        return scored;
    }
}
