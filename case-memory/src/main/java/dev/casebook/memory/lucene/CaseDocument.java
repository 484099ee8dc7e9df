package dev.casebook.memory.lucene;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.TaskKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;

/** How a case and its embedding are laid out in a Lucene document. */
final class CaseDocument {
    static final String ID = "id";
    static final String TENANT = "tenant";
    static final String SOURCE = "source";
    static final String LABEL = "label";
    static final String ORIGIN = "origin";
    /** The case's bank (format 3; a document without it is of the default bank). */
    static final String BANK = "bank";
    /** The {@link TaskKey} of the task text (indexed, not stored; format 2 of {@link StoreMetadata}). */
    static final String TASK_KEY = "task_key";
    static final String TEXT = "text";
    static final String VECTOR = "vector";
    static final String CREATED_SORT = "created_sort";
    private static final String TASK = "task";
    private static final String PLAN = "plan";
    private static final String ANSWER = "answer";
    private static final String REWARD = "reward";
    private static final String USES = "uses";
    private static final String SUCCESSES = "successes";
    private static final String CREATED = "created";
    private static final String UPDATED = "updated";
    private static final String RAW_VECTOR = "raw_vector";
    /** 1 when a real outcome confirmed the case; a document without it is unconfirmed. */
    private static final String CONFIRMED = "confirmed";
    /** 1 when a rated real failure refuted the case; a document without it is not refuted. */
    private static final String REFUTED = "refuted";
    /** The case's evidence as JSON (format 3; a document without it has one event from its state). */
    static final String EVIDENCE = "evidence";

    private CaseDocument() {
    }

    /**
     * A case read back with the embedding and the evidence it was stored with. The evidence stays JSON until a
     * caller asks for the events ({@link Events}): a version rewritten with new counts or a new label writes the
     * same JSON back without parsing it.
     */
    record Stored(Case value, float[] vector, Events events) {
        Stored(Case value, float[] vector, List<Evidence> evidence) {
            this(value, vector, Events.of(evidence));
        }

        List<Evidence> evidence() {
            return events.list();
        }
    }

    static Document of(Case c, float[] vector, List<Evidence> evidence) {
        return of(c, vector, Events.of(evidence));
    }

    static Document of(Case c, float[] vector, Events evidence) {
        Document doc = new Document();
        doc.add(new StringField(ID, c.id().toString(), Field.Store.YES));
        doc.add(new SortedDocValuesField(ID, new BytesRef(c.id().toString())));
        doc.add(new StringField(TENANT, c.tenant(), Field.Store.YES));
        doc.add(new StringField(SOURCE, c.source().wireName(), Field.Store.YES));
        doc.add(new StringField(LABEL, c.label().wireName(), Field.Store.YES));
        doc.add(new StringField(ORIGIN, c.origin(), Field.Store.YES));
        doc.add(new StringField(BANK, c.bank(), Field.Store.YES));
        doc.add(new StoredField(EVIDENCE, evidence.json()));
        doc.add(new StringField(TASK_KEY, TaskKey.of(c.task()).hex(), Field.Store.NO));
        doc.add(new StoredField(TASK, c.task()));
        doc.add(new StoredField(PLAN, c.plan()));
        doc.add(new StoredField(ANSWER, c.answer()));
        doc.add(new TextField(TEXT, c.task() + "\n" + c.plan() + "\n" + c.answer(), Field.Store.NO));
        doc.add(new StoredField(REWARD, c.reward()));
        doc.add(new StoredField(USES, c.uses()));
        doc.add(new StoredField(SUCCESSES, c.successes()));
        doc.add(new StoredField(CONFIRMED, c.confirmed() ? 1 : 0));
        doc.add(new StoredField(REFUTED, c.refuted() ? 1 : 0));
        doc.add(new StoredField(CREATED, c.createdAt().toString()));
        doc.add(new StoredField(UPDATED, c.updatedAt().toString()));
        doc.add(new NumericDocValuesField(CREATED_SORT, ChronoUnit.MICROS.between(Instant.EPOCH, c.createdAt())));
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        doc.add(new StoredField(RAW_VECTOR, encode(vector)));
        return doc;
    }

    /** The stored fields {@link #readCase} needs: everything but the raw vector and the evidence. */
    static final Set<String> CASE_FIELDS = Set.of(ID, TENANT, TASK, PLAN, ANSWER, REWARD, LABEL, SOURCE, ORIGIN,
            USES, SUCCESSES, CREATED, UPDATED, BANK, CONFIRMED, REFUTED);

    /** The stored fields {@link #readEvidence} needs: the case's and the evidence, not the raw vector. */
    static final Set<String> EVIDENCE_FIELDS = Stream.concat(CASE_FIELDS.stream(), Stream.of(EVIDENCE))
            .collect(Collectors.toUnmodifiableSet());

    /** The evidence alone, from a document loaded with at least {@link #EVIDENCE_FIELDS}. */
    static List<Evidence> readEvidence(Document doc) {
        String evidence = doc.get(EVIDENCE);
        return evidence == null ? List.of(Evidence.ofState(readCase(doc))) : Events.ofJson(evidence).list();
    }

    static Stored read(Document doc) {
        Case value = readCase(doc);
        String evidence = doc.get(EVIDENCE);
        return new Stored(value, decode(doc.getBinaryValue(RAW_VECTOR)),
                evidence == null ? Events.of(List.of(Evidence.ofState(value))) : Events.ofJson(evidence));
    }

    /**
     * The case alone, from a document loaded with at least {@link #CASE_FIELDS}: what a search hit needs, without
     * decoding the vector or parsing the evidence.
     */
    static Case readCase(Document doc) {
        return new Case(
                UUID.fromString(doc.get(ID)),
                doc.get(TENANT),
                doc.get(TASK),
                doc.get(PLAN),
                doc.get(ANSWER),
                doc.getField(REWARD).numericValue().doubleValue(),
                CaseLabel.parse(doc.get(LABEL)),
                CaseSource.parse(doc.get(SOURCE)),
                doc.get(ORIGIN),
                doc.getField(USES).numericValue().intValue(),
                doc.getField(SUCCESSES).numericValue().intValue(),
                StoredInstant.parse(doc.get(CREATED)),
                StoredInstant.parse(doc.get(UPDATED)),
                doc.get(BANK),
                flag(doc, CONFIRMED),
                flag(doc, REFUTED));
    }

    /** The case alone of a searcher's document {@code doc}, only its {@link #CASE_FIELDS} loaded. */
    static Case readCase(StoredFields fields, int doc) throws IOException {
        return readCase(fields.document(doc, CASE_FIELDS));
    }

    private static boolean flag(Document doc, String name) {
        return doc.getField(name) != null && doc.getField(name).numericValue().intValue() == 1;
    }

    private static byte[] encode(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    private static float[] decode(BytesRef bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(vector);
        return vector;
    }
}
