package dev.casebook.memory.lucene;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.embedding.Vectors;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightQuery;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.insight.PendingDistillation;
import dev.casebook.memory.insight.ScoredInsight;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/**
 * Insights in a Lucene directory of their own (beside the case index): one document per insight, keyword fields for
 * id, tenant and bank, stored fields for the rest and the centroid. A family look-up reads the tenant's insights and
 * ranks them by exact cosine with the task (insights are few: one per task family, not one per task). Every write
 * is committed before it returns (insights change rarely); the embedding space is in the commit data, as in
 * {@link LuceneCaseStore}, and another dimension is refused. Pending distillations are documents of their own kind in
 * the same index.
 */
public final class LuceneInsightStore implements InsightStore {
    private static final String FORMAT = "casebook.insights.format";
    private static final String ID = "id";
    private static final String TENANT = "tenant";
    private static final String BANK = "bank";
    private static final String FAMILY = "family";
    private static final String TEXT = "text";
    private static final String CENTROID = "centroid";
    private static final String MEMBERS = "members";
    private static final String SUCCESSES = "successes";
    private static final String FAILURES = "failures";
    private static final String EVIDENCE = "evidence";
    private static final String UPDATED = "updated";
    /** A pending distillation is a document of its own: key {@code caseId/tenant}, no insight fields. */
    private static final String PENDING = "pending";
    private static final String PENDING_TENANT = "pending_tenant";
    private static final String PENDING_CASE = "pending_case";
    private static final String PENDING_SEQ = "pending_seq";
    private static final String KIND = "kind";
    /** At most this many insights of one tenant are ranked by a look-up. */
    static final int MAX_SCANNED = 100_000;

    private final Path path;
    private final EmbeddingSpace space;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ReentrantLock writes = new ReentrantLock();
    /** The newest pending distillation's number, read from the index at the first add; under {@link #writes}. */
    private long lastPendingSeq = -1;

    private LuceneInsightStore(Path path, EmbeddingSpace space, FSDirectory directory, IndexWriter writer)
            throws IOException {
        this.path = path;
        this.space = space;
        this.directory = directory;
        this.writer = writer;
        this.searchers = new SearcherManager(writer, null);
    }

    /**
     * Opens (creating when absent) the insight index at {@code path}.
     *
     * @throws StoreException when the directory holds another index, one of another dimension, or is open already
     */
    public static LuceneInsightStore open(Path path, EmbeddingSpace space) {
        FSDirectory directory = null;
        try {
            directory = FSDirectory.open(path);
            EmbeddingSpace recorded = null;
            if (DirectoryReader.indexExists(directory)) {
                Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
                if (!"1".equals(data.get(FORMAT))) {
                    throw new StoreException(path + " holds a Lucene index that is not an insight store (commit data "
                            + data + ")", false, null);
                }
                recorded = new EmbeddingSpace(data.get(StoreMetadata.MODEL),
                        Integer.parseInt(data.get(StoreMetadata.DIMENSION)));
                if (recorded.dimension() != space.dimension()) {
                    throw new StoreException("the insight store at " + path + " was built with embedding dimension "
                            + recorded.dimension() + " (model " + recorded.modelId() + "); opening it with dimension "
                            + space.dimension() + " (model " + space.modelId() + ") is refused", false, null);
                }
            }
            EmbeddingSpace kept = recorded != null ? recorded : space;
            IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig());
            writer.setLiveCommitData(Map.of(FORMAT, "1", StoreMetadata.MODEL, kept.modelId(),
                    StoreMetadata.DIMENSION, Integer.toString(kept.dimension())).entrySet());
            writer.commit();
            return new LuceneInsightStore(path, kept, directory, writer);
        } catch (LockObtainFailedException e) {
            closeQuietly(directory);
            throw new StoreException(path + " is already open by another store (its write.lock is held)", false, e);
        } catch (IOException e) {
            closeQuietly(directory);
            throw new StoreException("cannot open the insight store at " + path + ": " + e.getMessage(), true, e);
        } catch (RuntimeException e) {
            closeQuietly(directory);
            throw e;
        }
    }

    @Override
    public Insight save(Insight insight) {
        space.requireUsable(insight.centroid());
        write("save insight " + insight.id(), () -> {
            Optional<Insight> existing = get(insight.id());
            if (existing.isPresent() && !existing.get().tenant().equals(insight.tenant())) {
                throw new IllegalArgumentException("insight " + insight.id() + " belongs to another tenant");
            }
            writer.updateDocument(new Term(ID, insight.id().toString()), document(insight));
            return true;
        });
        return insight;
    }

    @Override
    public List<ScoredInsight> nearest(InsightQuery query) {
        float[] task = space.requireUsable(query.task());
        BooleanQuery.Builder filter = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(TENANT, query.tenant())), BooleanClause.Occur.FILTER);
        if (!query.banks().isEmpty()) {
            filter.add(new TermInSetQuery(BANK, query.banks().stream().map(BytesRef::new).toList()),
                    BooleanClause.Occur.FILTER);
        }
        List<ScoredInsight> scored = new ArrayList<>();
        for (Insight insight : read(filter.build(), MAX_SCANNED)) {
            double score = Vectors.cosine(task, insight.centroid());
            if (score >= query.minSimilarity()) {
                scored.add(new ScoredInsight(insight, score));
            }
        }
        scored.sort(Comparator.comparingDouble(ScoredInsight::score).reversed()
                .thenComparing(s -> s.value().id()));
        return List.copyOf(scored.subList(0, Math.min(query.k(), scored.size())));
    }

    @Override
    public Optional<Insight> get(String tenant, UUID id) {
        return get(id).filter(i -> i.tenant().equals(tenant));
    }

    private Optional<Insight> get(UUID id) {
        return read(new TermQuery(new Term(ID, id.toString())), 1).stream().findFirst();
    }

    @Override
    public List<Insight> list(String tenant) {
        List<Insight> all = new ArrayList<>(read(new TermQuery(new Term(TENANT, tenant)), MAX_SCANNED));
        all.sort(Comparator.comparing(Insight::updatedAt).reversed().thenComparing(Insight::id));
        return List.copyOf(all);
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        return write("delete insight " + id, () -> {
            if (get(tenant, id).isEmpty()) {
                return false;
            }
            writer.deleteDocuments(new Term(ID, id.toString()));
            return true;
        });
    }

    @Override
    public void addPending(String tenant, UUID caseId) {
        Term key = pendingKey(tenant, caseId);
        write("record the pending distillation of case " + caseId, () -> {
            if (!read(new TermQuery(key), 1, doc -> doc).isEmpty()) {
                return false;
            }
            if (lastPendingSeq < 0) {
                lastPendingSeq = read(new TermQuery(new Term(KIND, PENDING)), MAX_SCANNED,
                        doc -> doc.getField(PENDING_SEQ).numericValue().longValue()).stream()
                        .mapToLong(Long::longValue).max().orElse(0);
            }
            Document doc = new Document();
            doc.add(new StringField(PENDING, key.text(), Field.Store.NO));
            doc.add(new StringField(KIND, PENDING, Field.Store.NO));
            doc.add(new StoredField(PENDING_TENANT, tenant));
            doc.add(new StoredField(PENDING_CASE, caseId.toString()));
            doc.add(new StoredField(PENDING_SEQ, lastPendingSeq + 1));
            writer.addDocument(doc);
            lastPendingSeq++;
            return true;
        });
    }

    @Override
    public void removePending(String tenant, UUID caseId) {
        Term key = pendingKey(tenant, caseId);
        write("forget the pending distillation of case " + caseId, () -> {
            if (read(new TermQuery(key), 1, doc -> doc).isEmpty()) {
                return false;
            }
            writer.deleteDocuments(key);
            return true;
        });
    }

    private interface Change {
        /** Makes the change in the index writer; false when there was nothing to change. */
        boolean apply() throws IOException;
    }

    /**
     * Runs {@code change} under the write lock and, when it changed something, commits it and refreshes the searcher,
     * so that the write is durable and every later read sees it.
     */
    private boolean write(String what, Change change) {
        writes.lock();
        try {
            if (!change.apply()) {
                return false;
            }
            writer.commit();
            searchers.maybeRefreshBlocking();
            return true;
        } catch (IOException e) {
            throw new StoreException("cannot " + what + " in " + path, true, e);
        } finally {
            writes.unlock();
        }
    }

    @Override
    public List<PendingDistillation> pending() {
        record Queued(PendingDistillation value, long seq) {
        }
        List<Queued> all = new ArrayList<>(read(new TermQuery(new Term(KIND, PENDING)), MAX_SCANNED,
                doc -> new Queued(new PendingDistillation(doc.get(PENDING_TENANT), UUID.fromString(
                        doc.get(PENDING_CASE))), doc.getField(PENDING_SEQ).numericValue().longValue())));
        all.sort(Comparator.comparingLong(Queued::seq));
        return all.stream().map(Queued::value).toList();
    }

    private static Term pendingKey(String tenant, UUID caseId) {
        return new Term(PENDING, caseId + "/" + tenant);
    }

    @Override
    public int dimension() {
        return space.dimension();
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new StoreException("cannot close the insight store at " + path, true, e);
        }
    }

    private List<Insight> read(Query query, int max) {
        return read(query, max, LuceneInsightStore::read);
    }

    private <T> List<T> read(Query query, int max, Function<Document, T> reader) {
        try {
            searchers.maybeRefreshBlocking();
            IndexSearcher searcher = searchers.acquire();
            try {
                List<T> out = new ArrayList<>();
                for (ScoreDoc hit : searcher.search(query, max).scoreDocs) {
                    out.add(reader.apply(searcher.storedFields().document(hit.doc)));
                }
                return out;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new StoreException("cannot read insights from " + path, true, e);
        }
    }

    private static Document document(Insight insight) {
        Document doc = new Document();
        doc.add(new StringField(ID, insight.id().toString(), Field.Store.YES));
        doc.add(new StringField(TENANT, insight.tenant(), Field.Store.YES));
        doc.add(new StringField(BANK, insight.bank(), Field.Store.YES));
        doc.add(new StoredField(FAMILY, insight.family()));
        doc.add(new StoredField(TEXT, insight.text()));
        ByteBuffer bytes = ByteBuffer.allocate(insight.centroid().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(insight.centroid());
        doc.add(new StoredField(CENTROID, new BytesRef(bytes.array())));
        doc.add(new StoredField(MEMBERS, insight.members()));
        doc.add(new StoredField(SUCCESSES, insight.successes()));
        doc.add(new StoredField(FAILURES, insight.failures()));
        doc.add(new StoredField(EVIDENCE, String.join(",", insight.evidence().stream().map(UUID::toString).toList())));
        doc.add(new StoredField(UPDATED, insight.updatedAt().toString()));
        return doc;
    }

    private static Insight read(Document doc) {
        BytesRef raw = doc.getBinaryValue(CENTROID);
        float[] centroid = new float[raw.length / Float.BYTES];
        ByteBuffer.wrap(raw.bytes, raw.offset, raw.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(centroid);
        String evidence = doc.get(EVIDENCE);
        return new Insight(UUID.fromString(doc.get(ID)), doc.get(TENANT), doc.get(BANK), doc.get(FAMILY),
                doc.get(TEXT), centroid, doc.getField(MEMBERS).numericValue().intValue(),
                doc.getField(SUCCESSES).numericValue().intValue(), doc.getField(FAILURES).numericValue().intValue(),
                evidence.isEmpty() ? List.of() : Arrays.stream(evidence.split(",")).map(UUID::fromString).toList(),
                StoredInstant.parse(doc.get(UPDATED)));
    }

    private static void closeQuietly(FSDirectory directory) {
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
