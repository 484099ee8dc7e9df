package dev.casebook.memory.lucene;

import dev.casebook.memory.Case;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.StoreException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * Cases of a {@link LuceneCaseStore} read by id, with no refresh: the writer's unrefreshed version of the case when
 * there is one ({@link PendingWrites}), else the current searcher's document, refreshed first only while a bulk add
 * waits. A look-up by id sees every write of that id that returned before it began (the order of operations is in
 * {@link #stored}).
 */
final class CasesById {

    private final String name;
    private final SearcherManager searchers;
    private final PendingWrites pending;

    CasesById(String name, SearcherManager searchers, PendingWrites pending) {
        this.name = name;
        this.searchers = searchers;
        this.pending = pending;
    }

    /**
     * The case alone: from the writer's unrefreshed version, else from the searcher's document loaded with
     * {@link CaseDocument#CASE_FIELDS} only (no vector decoded, no evidence read), as a search hit is.
     */
    Optional<Case> get(String tenant, UUID id) {
        try {
            return Optional.ofNullable(read(tenant, id, CaseDocument.Stored::value, CaseDocument.CASE_FIELDS,
                    CaseDocument::readCase));
        } catch (IOException e) {
            throw readFailed(e);
        }
    }

    /** A copy: the array may be the one kept for the writer's unrefreshed version of the case. */
    Optional<float[]> vector(String tenant, UUID id) {
        try {
            return Optional.ofNullable(stored(tenant, id)).map(stored -> stored.vector().clone());
        } catch (IOException e) {
            throw readFailed(e);
        }
    }

    /** The evidence alone: from the writer's unrefreshed version, else without loading the vector. */
    List<Evidence> evidence(String tenant, UUID id) {
        try {
            List<Evidence> evidence = read(tenant, id, CaseDocument.Stored::evidence, CaseDocument.EVIDENCE_FIELDS,
                    CaseDocument::readEvidence);
            return evidence == null ? List.of() : evidence;
        } catch (IOException e) {
            throw readFailed(e);
        }
    }

    /**
     * The stored case with this id (of any tenant when {@code tenant} is null) with its vector and evidence: the
     * writer's unrefreshed version when there is one (null for a deleted case), else from the current searcher,
     * refreshed only when a bulk add since the last refresh left its documents out of {@link PendingWrites}. The
     * writer reads through this while it holds its lock; the vector is not copied (callers outside copy it).
     *
     * <p>The order matters: the entry is looked for before the searcher is acquired. An entry is dropped only after
     * the searcher that shows its write became current, so a miss here means the searcher acquired next shows the
     * latest write of this id that returned before this look-up began.
     */
    CaseDocument.Stored stored(String tenant, UUID id) throws IOException {
        return read(tenant, id, stored -> stored, null, CaseDocument::read);
    }

    /**
     * The look-up of {@link #stored}, reading from the writer's unrefreshed version ({@code kept}) or else only the
     * stored {@code fields} of the searcher's document (all when null; they include the tenant) and reading them with
     * {@code loaded}; null when the case does not exist for the tenant.
     */
    private <T> T read(String tenant, UUID id, Function<CaseDocument.Stored, T> kept, Set<String> fields,
                       Function<Document, T> loaded) throws IOException {
        PendingWrites.Entry entry = pending.get(id);
        if (entry != null) {
            CaseDocument.Stored stored = entry.stored();
            return stored == null || (tenant != null && !tenant.equals(stored.value().tenant())) ? null
                    : kept.apply(stored);
        }
        if (pending.bulkAddUnseen()) {
            pending.refresh();
        }
        IndexSearcher searcher = searchers.acquire();
        try {
            int doc = find(searcher, id);
            if (doc < 0) {
                return null;
            }
            StoredFields stored = searcher.storedFields();
            Document document = fields == null ? stored.document(doc) : stored.document(doc, fields);
            return tenant != null && !tenant.equals(document.get(CaseDocument.TENANT)) ? null : loaded.apply(document);
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * The live document of the case {@code id}, or -1: the id term looked up in each segment's terms directly, which
     * costs no query, weight or scorer (ids are unique among live documents: every write of an id replaces it).
     */
    private static int find(IndexSearcher searcher, UUID id) throws IOException {
        BytesRef term = new BytesRef(id.toString());
        PostingsEnum postings = null;
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Terms terms = leaf.reader().terms(CaseDocument.ID);
            if (terms == null) {
                continue;
            }
            TermsEnum ids = terms.iterator();
            if (!ids.seekExact(term)) {
                continue;
            }
            postings = ids.postings(postings, PostingsEnum.NONE);
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (live == null || live.get(doc)) {
                    return leaf.docBase + doc;
                }
            }
        }
        return -1;
    }

    private StoreException readFailed(IOException e) {
        return new StoreException("read from " + name + " failed: " + e.getMessage(), true, e);
    }
}
