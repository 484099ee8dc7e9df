package dev.casebook.memory.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.Rater;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import dev.casebook.testkit.TestPostgres;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PgVectorCaseStore#copyAll}, the bulk load by {@code COPY}, against {@link PgVectorCaseStore#addAll}: the same
 * batch written each way into a schema of its own gives the same rows (every column, as PostgreSQL stores it) and the
 * same reads, searches and histories.
 */
class PgVectorCopyAllIT {
    private static final int DIM = 8;
    private static final String TENANT = "acme";
    private final List<TestPostgres.Schema> schemas = new ArrayList<>();
    private final List<PgVectorCaseStore> stores = new ArrayList<>();

    private PgVectorCaseStore openStore() {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("pgvector_copy");
        schemas.add(schema);
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(DIM)))
                .load().migrate();
        PgVectorCaseStore store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(),
                new EmbeddingSpace("test-model", DIM));
        stores.add(store);
        return store;
    }

    @AfterEach
    void dropSchemas() {
        stores.forEach(PgVectorCaseStore::close);
        schemas.forEach(TestPostgres.Schema::drop);
    }

    /** Texts CSV must quote or escape, instants below a microsecond, rewards without a short decimal form. */
    private static List<Case> awkwardCases(Random random) {
        String[] texts = {"plain", "", "comma, \"quoted\" and 'single'", "line one\nline two\r\n\ttabbed",
                "back\\slash \\N \\. NULL", "ünïcödé — 日本語 🙂", "trailing space ", "\"", ","};
        List<Case> cases = new ArrayList<>();
        Instant base = Instant.parse("2026-03-04T05:06:07.123456789Z");
        for (int i = 0; i < 60; i++) {
            String text = texts[i % texts.length];
            CaseSource source = CaseSource.values()[i % CaseSource.values().length];
            boolean confirmed = source != CaseSource.REAL && i % 4 == 1;
            boolean refuted = source == CaseSource.SYNTHETIC && !confirmed && i % 5 == 0;
            int uses = i % 7;
            double reward = i % 3 == 0 ? 1.0 / 3 : random.nextDouble();
            cases.add(new Case(UUID.randomUUID(), i % 2 == 0 ? TENANT : "tenant \"two\", ok", "task " + i + " " + text,
                    text, text.isEmpty() ? "" : "answer: " + text, reward,
                    reward >= 0.5 ? CaseLabel.POSITIVE : CaseLabel.NEGATIVE, source, i % 4 == 0 ? "" : "item-" + i,
                    uses, uses / 2, base.plusNanos(i * 1_001L), base.plusSeconds(i).plusNanos(999),
                    i % 3 == 0 ? Case.DEFAULT_BANK : "bank, " + (i % 3), confirmed, refuted));
        }
        return cases;
    }

    private static List<List<Evidence>> evidenceOf(List<Case> cases) {
        List<List<Evidence>> evidence = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            List<Evidence> events = new ArrayList<>(List.of(Evidence.ofState(c)));
            if (i % 2 == 0) {
                events.add(new Evidence("episode \"" + i + "\",\n2", EvidenceSource.REAL, 0.1 * (i % 10),
                        Rater.SCORER, c.plan(), "", c.updatedAt().plusNanos(1500)));
            }
            evidence.add(events);
        }
        return evidence;
    }

    private static List<float[]> vectors(Random random, int n) {
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian() * (d == 0 ? 1e-6f : 1f);
            }
            vectors.add(v);
        }
        return vectors;
    }

    @Test
    void copy_all_writes_the_rows_add_all_writes() throws Exception {
        Random random = new Random(5);
        List<Case> cases = awkwardCases(random);
        List<float[]> vectors = vectors(random, cases.size());
        List<List<Evidence>> evidence = evidenceOf(cases);
        PgVectorCaseStore added = openStore();
        PgVectorCaseStore copied = openStore();

        List<Case> addedCases = added.addAll(cases, vectors, evidence);
        List<Case> copiedCases = copied.copyAll(cases, vectors, evidence);

        assertThat(copiedCases).isEqualTo(addedCases);
        String casesSql = "select *, embedding::text as embedding_text, text_search::text as text_search_text"
                + " from cases order by id";
        String evidenceSql = "select * from case_evidence order by id";
        assertThat(rows(schemas.get(1), casesSql)).hasSize(cases.size()).isEqualTo(rows(schemas.get(0), casesSql));
        assertThat(rows(schemas.get(1), evidenceSql)).hasSize(90).isEqualTo(rows(schemas.get(0), evidenceSql));
        for (Case c : cases) {
            assertThat(copied.get(c.tenant(), c.id())).isEqualTo(added.get(c.tenant(), c.id())).isPresent();
            assertThat(copied.history(c.tenant(), c.id())).isEqualTo(added.history(c.tenant(), c.id()));
        }
        for (float[] query : vectors(random, 5)) {
            VectorQuery nearest = new VectorQuery(query, CaseFilter.tenant(TENANT), 10);
            assertThat(scored(copied.search(nearest))).isEqualTo(scored(added.search(nearest)));
            HybridQuery hybrid = new HybridQuery(query, "quoted line slash", CaseFilter.tenant(TENANT), 10);
            assertThat(scored(copied.hybridSearch(hybrid))).isEqualTo(scored(added.hybridSearch(hybrid)));
        }
    }

    @Test
    void copy_all_writes_nothing_when_a_case_of_the_batch_exists() {
        Random random = new Random(6);
        PgVectorCaseStore store = openStore();
        List<Case> cases = awkwardCases(random).subList(0, 10);
        List<float[]> vectors = vectors(random, 10);
        store.copyAll(cases.subList(0, 1), vectors.subList(0, 1));

        assertThatThrownBy(() -> store.copyAll(cases, vectors)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a case of the batch already exists");
        assertThat(store.count(CaseFilter.tenant(TENANT)) + store.count(CaseFilter.tenant("tenant \"two\", ok")))
                .isEqualTo(1);
        assertThatThrownBy(() -> store.copyAll(cases.subList(1, 2), List.of(new float[3])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector has dimension 3, but the store holds vectors of dimension " + DIM);
    }

    private static List<String> scored(List<ScoredCase> hits) {
        return hits.stream().map(hit -> hit.value().id() + " " + hit.score()).toList();
    }

    /** Every column of every row, as text, in the query's order. */
    private static List<List<String>> rows(TestPostgres.Schema schema, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (var c = schema.connect(); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int column = 1; column <= meta.getColumnCount(); column++) {
                    row.add(meta.getColumnName(column) + "=" + rs.getString(column));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
