package dev.casebook.memory.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.Rater;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.memory.pgvector.PgVectorCaseStore;
import dev.casebook.testkit.SharedData;
import dev.casebook.testkit.TestPostgres;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Imports of the real Memento case banks and of malformed files into a real pgvector store, with the real model. */
class CaseImporterIT {
    private static Embedder embedder;
    private final List<TestPostgres.Schema> schemas = new ArrayList<>();
    private final List<CaseStore> stores = new ArrayList<>();

    @BeforeAll
    static void loadModel() {
        embedder = InProcessEmbedder.shared();
    }

    @AfterAll
    static void noop() {
        embedder = null;
    }

    @AfterEach
    void cleanUp() {
        stores.forEach(CaseStore::close);
        schemas.forEach(TestPostgres.Schema::drop);
    }

    @Test
    void imports_every_case_of_the_memento_memory_bank_with_its_label() throws IOException {
        Path file = SharedData.file("memento/memory.jsonl");
        List<String> lines = Files.readAllLines(file);
        long positives = lines.stream().filter(l -> label(l).equals("positive")).count();
        CaseStore store = freshStore();
        CountingEmbedder counting = new CountingEmbedder(embedder);

        ImportReport report;
        try (Reader in = Files.newBufferedReader(file)) {
            report = new CaseImporter(store, counting, 64).importLines(in, "acme", null, OnError.REJECT);
        }

        assertThat(report.format()).isEqualTo(CaseFormat.MEMENTO);
        assertThat(report.imported()).isEqualTo(lines.size()).isEqualTo(1278);
        assertThat(report.skipped()).isEmpty();
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(lines.size());
        assertThat(store.count(CaseFilter.tenant("acme").withLabels(Set.of(CaseLabel.POSITIVE))))
                .isEqualTo(positives);
        assertThat(counting.largestBatch.get()).isEqualTo(64);
        assertThat(counting.batches.get()).isEqualTo((lines.size() + 63) / 64);
    }

    @Test
    void imports_the_memento_dummy_bank_with_rewards() throws IOException {
        Path file = SharedData.file("memento/dummy_memo.jsonl");
        int lines = Files.readAllLines(file).size();
        CaseStore store = freshStore();

        ImportReport report;
        try (Reader in = Files.newBufferedReader(file)) {
            report = new CaseImporter(store, embedder, 16).importLines(in, "acme", CaseFormat.MEMENTO_DUMMY,
                    OnError.REJECT);
        }

        assertThat(report.imported()).isEqualTo(lines).isEqualTo(8);
        List<Case> cases = store.list(CaseFilter.tenant("acme"), 0, 100).items();
        assertThat(cases).extracting(Case::reward).containsOnly(0.0, 1.0);
        assertThat(cases).filteredOn(c -> c.reward() == 1.0).extracting(Case::label).containsOnly(CaseLabel.POSITIVE);
        assertThat(cases).filteredOn(c -> c.task().startsWith("What video game, created by Notch"))
                .singleElement().satisfies(c -> assertThat(c.plan()).contains("best-selling"));
    }

    @Test
    void casebook_export_then_import_round_trips_every_field() {
        roundTrip(freshStore(), freshStore());
    }

    @Test
    void casebook_export_then_import_round_trips_every_field_on_lucene() throws IOException {
        roundTrip(freshLucene(), freshLucene());
    }

    @Test
    void an_export_of_one_store_rebuilds_the_same_memory_in_the_other() throws IOException {
        roundTrip(freshLucene(), freshStore());
        roundTrip(freshStore(), freshLucene());
    }

    /** Bank, source, counts, evidence and derived fields survive export then import into an empty store. */
    private void roundTrip(CaseStore source, CaseStore target) {
        Instant t = Instant.parse("2026-01-01T00:00:00.123456Z");
        Case a = source.add(new Case(UUID.randomUUID(), "acme", "What is the tallest mountain?", "search",
                "Everest", 1, CaseLabel.POSITIVE, CaseSource.SANDBOX, "deepresearcher:test:1", 4, 3, t,
                t.plusSeconds(60), "reference"),
                embedder.embed("a"), List.of(
                        new Evidence("task-1", EvidenceSource.SANDBOX, 0.5, Rater.UNRATED, "search", "Everest",
                                Instant.parse("2026-01-01T00:00:00.123456Z")),
                        new Evidence("task-1", EvidenceSource.SANDBOX, 1, Rater.VALIDATOR, "search", "Everest",
                                Instant.parse("2026-01-01T00:01:00Z"))));
        Case b = source.add(new Case(UUID.randomUUID(), "acme", "Who wrote Dune?", "", "Herbert", 0.2,
                CaseLabel.NEGATIVE, CaseSource.SYNTHETIC, "", 0, 0, t.plusSeconds(5), t.plusSeconds(5)),
                embedder.embed("b"));
        StringWriter out = new StringWriter();
        assertThat(new CaseExporter().export(source, CaseFilter.tenant("acme"), out)).isEqualTo(2);

        ImportReport report = new CaseImporter(target, embedder, 8).importLines(new StringReader(out.toString()),
                "acme", null, OnError.REJECT);

        assertThat(report.format()).isEqualTo(CaseFormat.CASEBOOK);
        assertThat(report.imported()).isEqualTo(2);
        for (Case c : List.of(a, b)) {
            assertThat(target.get("acme", c.id())).contains(source.get("acme", c.id()).orElseThrow());
            assertThat(target.history("acme", c.id())).isEqualTo(source.history("acme", c.id()));
        }
        StringWriter again = new StringWriter();
        new CaseExporter().export(target, CaseFilter.tenant("acme"), again);
        assertThat(again.toString()).isEqualTo(out.toString());
        ImportReport twice = new CaseImporter(target, embedder, 8).importLines(new StringReader(out.toString()),
                "acme", null, OnError.REJECT);
        assertThat(twice.imported()).isZero();
        assertThat(twice.duplicates()).containsExactly(1, 2);
    }

    @Test
    void skips_malformed_lines_and_reports_their_numbers() throws IOException {
        CaseStore store = freshStore();

        ImportReport report;
        try (Reader in = fixture("malformed-memento.jsonl")) {
            report = new CaseImporter(store, embedder, 4).importLines(in, "acme", null, OnError.SKIP);
        }

        assertThat(report.imported()).isEqualTo(3);
        assertThat(report.skipped()).extracting(LineError::line).containsExactly(2, 4, 6, 7);
        assertThat(report.skipped()).extracting(LineError::detail).containsExactly(
                "label must be 'positive' or 'negative', was 'maybe'",
                report.skipped().get(1).detail(),
                "field 'case' must not be blank",
                "expected a JSON object, found array");
        assertThat(report.skipped().get(1).detail()).startsWith("malformed JSON");
        assertThat(store.list(CaseFilter.tenant("acme"), 0, 10).items()).extracting(Case::task)
                .containsExactlyInAnyOrder("What sport does Deportivo Cali play?", "Who wrote Hamlet?",
                        "What is the capital of Orotina Canton?");
    }

    @Test
    void rejects_the_whole_import_on_a_malformed_line_and_stores_nothing() throws IOException {
        CaseStore store = freshStore();

        try (Reader in = fixture("malformed-memento.jsonl")) {
            assertThatThrownBy(() -> new CaseImporter(store, embedder, 4).importLines(in, "acme", null,
                    OnError.REJECT))
                    .isInstanceOf(ImportRejectedException.class)
                    .hasMessage("import rejected, nothing stored: line 2: label must be 'positive' or 'negative',"
                            + " was 'maybe' (and 3 more malformed lines)")
                    .satisfies(e -> assertThat(((ImportRejectedException) e).errors()).extracting(LineError::line)
                            .containsExactly(2, 4, 6, 7));
        }
        assertThat(store.count(CaseFilter.tenant("acme"))).isZero();
    }

    @Test
    void a_file_of_unknown_shape_is_rejected_whatever_the_policy() throws IOException {
        CaseStore store = freshStore();

        try (Reader in = fixture("unknown-format.jsonl")) {
            assertThatThrownBy(() -> new CaseImporter(store, embedder, 4).importLines(in, "acme", null, OnError.SKIP))
                    .isInstanceOf(ImportRejectedException.class)
                    .hasMessageContaining("line 1: cannot tell the format from the fields [prompt, completion]");
        }
        assertThat(store.count(CaseFilter.tenant("acme"))).isZero();
    }

    @Test
    void an_explicit_format_reports_lines_of_another_shape() {
        CaseStore store = freshStore();
        String input = "{\"question\":\"Q?\",\"plan\":\"p\",\"reward\":1}\n{\"task\":\"T\",\"reward\":1}\n";

        ImportReport report = new CaseImporter(store, embedder, 4).importLines(new StringReader(input), "acme",
                CaseFormat.MEMENTO_DUMMY, OnError.SKIP);

        assertThat(report.imported()).isEqualTo(1);
        assertThat(report.skipped()).containsExactly(new LineError(2, "field 'question' is missing"));
    }

    @Test
    void ids_that_exist_already_or_twice_are_malformed_lines() {
        CaseStore store = freshStore();
        Case existing = store.add(Case.of("acme", "old", "", "", 1, CaseSource.REAL), embedder.embed("old"));
        String twice = "{\"id\":\"11111111-1111-1111-1111-111111111111\",\"task\":\"x\",\"reward\":1}";
        String input = "{\"id\":\"" + existing.id() + "\",\"task\":\"again\",\"reward\":1}\n" + twice + "\n" + twice;

        ImportReport report = new CaseImporter(store, embedder, 4).importLines(new StringReader(input), "acme",
                CaseFormat.CASEBOOK, OnError.SKIP);

        assertThat(report.imported()).isEqualTo(1);
        assertThat(report.skipped()).containsExactly(
                new LineError(1, "case " + existing.id() + " already exists"),
                new LineError(3, "case 11111111-1111-1111-1111-111111111111 appears twice in the input"));
    }

    @Test
    void an_id_taken_in_another_tenant_is_found_line_by_line_in_its_batch() {
        CaseStore store = freshStore();
        Case theirs = store.add(Case.of("other", "theirs", "", "", 1, CaseSource.REAL), embedder.embed("theirs"));
        String input = "{\"task\":\"first\",\"reward\":1}\n{\"id\":\"" + theirs.id()
                + "\",\"task\":\"clash\",\"reward\":1}\n{\"task\":\"third\",\"reward\":0}\n";

        ImportReport report = new CaseImporter(store, embedder, 8).importLines(new StringReader(input), "acme",
                CaseFormat.CASEBOOK, OnError.SKIP);

        assertThat(report.imported()).isEqualTo(2);
        assertThat(report.skipped()).containsExactly(new LineError(2, "case " + theirs.id() + " already exists"));
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);

        assertThatThrownBy(() -> new CaseImporter(store, embedder, 8).importLines(new StringReader(input
                .replace("first", "first again").replace("third", "third again")), "acme", CaseFormat.CASEBOOK,
                OnError.REJECT)).isInstanceOf(ImportRejectedException.class)
                .hasMessageContaining("line 2: case " + theirs.id() + " already exists");
        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(2);
    }

    @Test
    void a_failure_part_way_removes_what_the_import_stored() {
        CaseStore store = freshStore();
        Embedder failing = new CountingEmbedder(embedder) {
            @Override
            public List<float[]> embedAll(List<String> texts) {
                if (batches.get() == 2) {
                    throw new IllegalStateException("model crashed");
                }
                return super.embedAll(texts);
            }
        };
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            input.append("{\"question\":\"question ").append(i).append("\",\"plan\":\"p\",\"reward\":1}\n");
        }

        assertThatThrownBy(() -> new CaseImporter(store, failing, 3).importLines(new StringReader(input.toString()),
                "acme", null, OnError.SKIP))
                .isInstanceOf(StoreException.class)
                .hasMessage("import failed after storing 6 of 10 cases, which were removed again: model crashed");
        assertThat(store.count(CaseFilter.tenant("acme"))).isZero();
    }

    private CaseStore freshLucene() throws IOException {
        CaseStore store = dev.casebook.memory.lucene.LuceneCaseStore.open(Files.createTempDirectory("transfer"),
                new EmbeddingSpace(embedder.modelId(), embedder.dimension()));
        stores.add(store);
        return store;
    }

    private CaseStore freshStore() {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("transfer");
        schemas.add(schema);
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(embedder.dimension())))
                .load().migrate();
        CaseStore store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(),
                new EmbeddingSpace(embedder.modelId(), embedder.dimension()));
        stores.add(store);
        return store;
    }

    private static Reader fixture(String name) {
        return new InputStreamReader(Objects.requireNonNull(
                CaseImporterIT.class.getResourceAsStream("/transfer/" + name), name),
                StandardCharsets.UTF_8);
    }

    private static String label(String line) {
        try {
            return new ObjectMapper().readTree(line).get("case_label").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts batches on the way to the real model. */
    static class CountingEmbedder implements Embedder {
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger largestBatch = new AtomicInteger();
        private final Embedder delegate;

        CountingEmbedder(Embedder delegate) {
            this.delegate = delegate;
        }

        @Override
        public String modelId() {
            return delegate.modelId();
        }

        @Override
        public int dimension() {
            return delegate.dimension();
        }

        @Override
        public float[] embed(String text) {
            return delegate.embed(text);
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            batches.incrementAndGet();
            largestBatch.accumulateAndGet(texts.size(), Math::max);
            return delegate.embedAll(texts);
        }
    }
}
