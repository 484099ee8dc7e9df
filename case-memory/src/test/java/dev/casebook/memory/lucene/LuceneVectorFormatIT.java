package dev.casebook.memory.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** Quantized vector formats: the graph searches quantized vectors, the store returns exact cosine scores. */
class LuceneVectorFormatIT {
    private static final int DIM = 32;
    private static final String TENANT = "acme";

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(VectorFormat.class)
    void finds_the_exact_nearest_cases_with_exact_scores_and_reopens_with_the_default_format(VectorFormat format)
            throws IOException {
        Random random = new Random(7);
        List<Case> cases = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        for (int i = 0; i < 300; i++) {
            cases.add(new Case(UUID.randomUUID(), TENANT, "case " + i, "", "", 1, CaseLabel.POSITIVE, CaseSource.REAL,
                    "", 0, 0, now, now));
            vectors.add(unit(random));
        }
        float[] query = unit(random);
        List<Integer> exact = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            exact.add(i);
        }
        exact.sort(Comparator.comparingDouble(i -> -dot(query, vectors.get(i))));
        Path path = directory.resolve("cases");
        EmbeddingSpace space = new EmbeddingSpace("test-model", DIM);
        try (LuceneCaseStore store = LuceneCaseStore.open(path, space, 300, CommitPolicy.DEFAULT, format)) {
            store.addAll(cases, vectors);
            store.optimize();

            List<ScoredCase> hits = store.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 5));

            // 300 candidates cover the whole store: the rescoring on full vectors orders them exactly
            assertThat(hits).extracting(hit -> hit.value().id())
                    .containsExactlyElementsOf(exact.subList(0, 5).stream().map(i -> cases.get(i).id()).toList());
            assertThat(hits.getFirst().score()).isCloseTo(dot(query, vectors.get(exact.getFirst())), within(1e-5));
        }
        try (LuceneCaseStore reopened = LuceneCaseStore.open(path, space)) {
            assertThat(reopened.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 1)))
                    .extracting(hit -> hit.value().id()).containsExactly(cases.get(exact.getFirst()).id());
        }
        try (var dir = org.apache.lucene.store.FSDirectory.open(path);
             var reader = org.apache.lucene.index.DirectoryReader.open(dir)) {
            String written = reader.leaves().getFirst().reader().getFieldInfos().fieldInfo(CaseDocument.VECTOR)
                    .getAttribute("PerFieldKnnVectorsFormat.format");
            assertThat(written).isEqualTo(format == VectorFormat.FLOAT32 ? "Lucene99HnswVectorsFormat"
                    : org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat.NAME);
        }
    }

    private static float[] unit(Random random) {
        float[] v = new float[DIM];
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
            norm += v[d] * v[d];
        }
        for (int d = 0; d < DIM; d++) {
            v[d] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
