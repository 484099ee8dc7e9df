package dev.casebook.memory.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.VectorQuery;
import dev.casebook.testkit.TestPostgres;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** pgvector-specific behaviour of {@link PgVectorCaseStore}: schema checks, HNSW order, full text, concurrency. */
class PgVectorCaseStoreIT {
    private static final int DIM = 16;
    private final List<TestPostgres.Schema> schemas = new ArrayList<>();
    private final List<PgVectorCaseStore> stores = new ArrayList<>();
    private final Random random = new Random(42);

    @AfterEach
    void cleanUp() {
        stores.forEach(PgVectorCaseStore::close);
        schemas.forEach(TestPostgres.Schema::drop);
    }

    @Test
    void round_trips_every_field() {
        PgVectorCaseStore store = open(migrated(DIM));
        Case value = Case.of("acme", "What is the capital of France?", "search it", "Paris", 0.25, CaseSource.SANDBOX)
                .withOrigin("deepresearcher:test:7").withCounts(3, 1);

        Case stored = store.add(value, vector());

        assertThat(store.get("acme", value.id())).contains(stored);
        assertThat(stored.origin()).isEqualTo("deepresearcher:test:7");
        assertThat(stored.uses()).isEqualTo(3);
        assertThat(stored.label()).isEqualTo(CaseLabel.NEGATIVE);
        assertThat(stored.createdAt()).isEqualTo(value.createdAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }

    @Test
    void search_order_matches_exact_cosine() {
        PgVectorCaseStore store = open(migrated(DIM));
        Map<UUID, float[]> vectors = new java.util.HashMap<>();
        for (int i = 0; i < 300; i++) {
            float[] v = vector();
            Case c = store.add(Case.of("acme", "task " + i, "", "", 1, CaseSource.REAL), v);
            vectors.put(c.id(), v);
        }
        float[] query = vector();

        List<ScoredCase> found = store.search(new VectorQuery(query, CaseFilter.tenant("acme"), 10));

        List<UUID> exact = vectors.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<UUID, float[]> e) -> -cosine(query, e.getValue())))
                .limit(10).map(Map.Entry::getKey).toList();
        assertThat(found).extracting(s -> s.value().id()).containsExactlyElementsOf(exact);
        for (ScoredCase s : found) {
            assertThat(s.score()).isCloseTo(cosine(query, vectors.get(s.value().id())), within(1e-5));
        }
    }

    @Test
    void filters_apply_in_sql_and_a_tenant_never_sees_another_tenants_cases() {
        PgVectorCaseStore store = open(migrated(DIM));
        float[] shared = vector();
        Case mine = store.add(Case.of("acme", "shared words about rivers", "", "", 1, CaseSource.REAL), shared);
        Case negative = store.add(Case.of("acme", "rivers again", "", "", 0, CaseSource.SYNTHETIC), vector());
        Case excluded = store.add(Case.of("acme", "rivers once more", "", "", 1, CaseSource.REAL)
                .withOrigin("q1"), vector());
        Case theirs = store.add(Case.of("other", "shared words about rivers", "", "", 1, CaseSource.REAL), shared);

        CaseFilter acme = CaseFilter.tenant("acme");
        assertThat(ids(store.search(new VectorQuery(shared, acme, 10))))
                .containsExactlyInAnyOrder(mine.id(), negative.id(), excluded.id());
        assertThat(ids(store.hybridSearch(new HybridQuery(shared, "shared words about rivers", acme, 10))))
                .doesNotContain(theirs.id()).contains(mine.id());
        assertThat(ids(store.search(new VectorQuery(shared, acme.withLabels(Set.of(CaseLabel.NEGATIVE)), 10))))
                .containsExactly(negative.id());
        assertThat(ids(store.search(new VectorQuery(shared, acme.withSources(Set.of(CaseSource.SYNTHETIC)), 10))))
                .containsExactly(negative.id());
        assertThat(ids(store.search(new VectorQuery(shared, acme.withExcludedOrigins(Set.of("q1")), 10))))
                .containsExactlyInAnyOrder(mine.id(), negative.id());
        assertThat(store.get("acme", theirs.id())).isEmpty();
        assertThat(store.delete("acme", theirs.id())).isFalse();
        assertThat(store.relabel("acme", theirs.id(), CaseLabel.NEGATIVE)).isEmpty();
        assertThat(store.count(acme)).isEqualTo(3);
        assertThat(store.count(CaseFilter.tenant("other"))).isEqualTo(1);
    }

    @Test
    void filtered_search_returns_k_cases_when_the_filter_admits_few_among_many() {
        PgVectorCaseStore store = open(migrated(DIM));
        for (int i = 0; i < 400; i++) {
            store.add(Case.of("big", "task " + i, "", "", 1, CaseSource.REAL), vector());
        }
        List<UUID> small = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            small.add(store.add(Case.of("small", "task " + i, "", "", 1, CaseSource.REAL), vector()).id());
        }

        assertThat(ids(store.search(new VectorQuery(vector(), CaseFilter.tenant("small"), 10))))
                .containsExactlyInAnyOrderElementsOf(small);
    }

    @Test
    void hybrid_search_lifts_a_keyword_match_that_the_vector_ranks_low() {
        PgVectorCaseStore store = open(migrated(DIM));
        float[] query = vector();
        for (int i = 0; i < 30; i++) {
            store.add(Case.of("acme", "unrelated question number " + i, "", "", 1, CaseSource.REAL),
                    near(query, 0.1f));
        }
        Case keyword = store.add(Case.of("acme", "Which river flows through Timbuktu?", "", "", 1, CaseSource.REAL),
                vector());

        List<ScoredCase> vectorOnly = store.search(new VectorQuery(query, CaseFilter.tenant("acme"), 5));
        List<ScoredCase> hybrid = store.hybridSearch(new HybridQuery(query, "river Timbuktu", CaseFilter.tenant("acme"),
                5));

        assertThat(ids(vectorOnly)).doesNotContain(keyword.id());
        assertThat(ids(hybrid)).contains(keyword.id());
        assertThat(hybrid).isSortedAccordingTo(Comparator.comparingDouble(ScoredCase::score).reversed());
    }

    @Test
    void empty_store_answers_empty_results() {
        PgVectorCaseStore store = open(migrated(DIM));
        CaseFilter acme = CaseFilter.tenant("acme");

        assertThat(store.search(new VectorQuery(vector(), acme, 5))).isEmpty();
        assertThat(store.hybridSearch(new HybridQuery(vector(), "anything", acme, 5))).isEmpty();
        assertThat(store.list(acme, 0, 10)).isEqualTo(new CasePage(List.of(), 0, 0, 10));
        assertThat(store.count(acme)).isZero();
        assertThat(store.get("acme", UUID.randomUUID())).isEmpty();
    }

    @Test
    void lists_newest_first_with_paging() {
        PgVectorCaseStore store = open(migrated(DIM));
        List<Case> added = new ArrayList<>();
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 5; i++) {
            Case c = new Case(UUID.randomUUID(), "acme", "task " + i, "", "", 1, CaseLabel.POSITIVE, CaseSource.REAL,
                    "", 0, 0, t.plusSeconds(i), t.plusSeconds(i));
            added.add(store.add(c, vector()));
        }

        CasePage page = store.list(CaseFilter.tenant("acme"), 1, 2);

        assertThat(page.total()).isEqualTo(5);
        assertThat(page.items()).containsExactly(added.get(3), added.get(2));
    }

    @Test
    void deletes_and_updates_within_the_tenant() {
        PgVectorCaseStore store = open(migrated(DIM));
        Case c = store.add(Case.of("acme", "a task", "p", "a", 1, CaseSource.REAL), vector());

        assertThat(store.updateOutcome("acme", c.id(), "p2", "a2", 0.0, CaseLabel.NEGATIVE)).get()
                .satisfies(u -> assertThat(List.of(u.plan(), u.answer(), u.label()))
                        .containsExactly("p2", "a2", CaseLabel.NEGATIVE));
        assertThat(store.get("acme", c.id()).orElseThrow().plan()).isEqualTo("p2");
        assertThat(store.adjustCounts("acme", c.id(), 2, 1).orElseThrow().successes()).isEqualTo(1);
        assertThat(store.delete("acme", c.id())).isTrue();
        assertThat(store.get("acme", c.id())).isEmpty();
        assertThat(store.search(new VectorQuery(vector(), CaseFilter.tenant("acme"), 3))).isEmpty();
    }

    @Test
    void rejects_duplicate_ids_and_vectors_of_the_wrong_dimension() {
        PgVectorCaseStore store = open(migrated(DIM));
        Case c = store.add(Case.of("acme", "a task", "", "", 1, CaseSource.REAL), vector());

        assertThatThrownBy(() -> store.add(c, vector())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> store.add(Case.of("acme", "b", "", "", 1, CaseSource.REAL), new float[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("embedding has dimension 3 but the store's is 16");
        assertThatThrownBy(() -> store.search(new VectorQuery(new float[4], CaseFilter.tenant("acme"), 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4").hasMessageContaining("16");
    }

    @Test
    void refuses_to_open_when_the_table_dimension_differs_from_the_embedder() {
        TestPostgres.Schema schema = migrated(DIM);

        assertThatThrownBy(() -> open(schema, 384)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("the cases table stores 16-dimensional embeddings but the embedder produces"
                        + " 384-dimensional ones");
    }

    @Test
    void refuses_to_open_on_a_schema_that_was_not_migrated() {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("pgvector_empty");
        schemas.add(schema);

        assertThatThrownBy(() -> open(schema, DIM)).isInstanceOf(StoreException.class)
                .hasMessageContaining("no table 'cases'").hasMessageContaining("Flyway");
    }

    @Test
    void keeps_cases_across_a_restart() {
        TestPostgres.Schema schema = migrated(DIM);
        PgVectorCaseStore first = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(), DIM);
        float[] v = vector();
        Case c = first.add(Case.of("acme", "remember me", "", "", 1, CaseSource.REAL), v);
        first.close();

        PgVectorCaseStore second = open(schema, DIM);

        assertThat(second.get("acme", c.id())).contains(c);
        assertThat(ids(second.search(new VectorQuery(v, CaseFilter.tenant("acme"), 1)))).containsExactly(c.id());
    }

    @Test
    void concurrent_writers_lose_nothing() throws Exception {
        PgVectorCaseStore store = open(migrated(DIM));
        Case shared = store.add(Case.of("acme", "counted", "", "", 1, CaseSource.REAL), vector());
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    Random r = new Random();
                    for (int i = 0; i < perThread; i++) {
                        store.add(Case.of("acme", "case " + i, "", "", 1, CaseSource.REAL), vector(r));
                        store.recordUse("acme", shared.id(), i % 2 == 0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(store.count(CaseFilter.tenant("acme"))).isEqualTo(1 + threads * perThread);
        Case counted = store.get("acme", shared.id()).orElseThrow();
        assertThat(counted.uses()).isEqualTo(threads * perThread);
        assertThat(counted.successes()).isEqualTo(threads * ((perThread + 1) / 2));
    }

    private TestPostgres.Schema migrated(int dimension) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("pgvector_store");
        schemas.add(schema);
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(dimension)))
                .load().migrate();
        return schema;
    }

    private PgVectorCaseStore open(TestPostgres.Schema schema) {
        return open(schema, DIM);
    }

    private PgVectorCaseStore open(TestPostgres.Schema schema, int dimension) {
        PgVectorCaseStore store = PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(), dimension);
        stores.add(store);
        return store;
    }

    private float[] vector() {
        return vector(random);
    }

    private static float[] vector(Random r) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private float[] near(float[] base, float noise) {
        float[] v = base.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += noise * (float) random.nextGaussian();
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static List<UUID> ids(List<ScoredCase> hits) {
        return hits.stream().map(s -> s.value().id()).toList();
    }
}
