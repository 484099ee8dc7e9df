package dev.casebook.memory.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseEvidence;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.CaseStoreContractIT;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.Rater;
import dev.casebook.memory.HybridQuery;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.TaskKey;
import dev.casebook.memory.VectorQuery;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.testkit.TestPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL with pgvector (each test a fresh schema migrated by casebook-db's Flyway
 * migrations), plus what only this store has: a schema to check, an HNSW index that a filter can starve, full text.
 */
class PgVectorCaseStoreIT extends CaseStoreContractIT {
    /** How many cases the search-setting tests add before their one search. */
    private static final int SEARCHED_CASES = 30;
    private final List<TestPostgres.Schema> schemas = new ArrayList<>();

    @Override
    protected CaseStore openStore(int dimension) {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("pgvector_store");
        schemas.add(schema);
        Flyway.configure().dataSource(schema.url(), schema.user(), schema.password()).schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(dimension)))
                .load().migrate();
        return open(schema, dimension);
    }

    @Override
    protected CaseStore reopen(int dimension) {
        return open(schemas.getLast(), dimension);
    }

    private static CaseStore open(TestPostgres.Schema schema, int dimension) {
        return PgVectorCaseStore.open(schema.url(), schema.user(), schema.password(),
                new EmbeddingSpace("test-model", dimension));
    }

    @AfterEach
    void dropSchemas() {
        if (store != null) {
            store.close();
            store = null;
        }
        schemas.forEach(TestPostgres.Schema::drop);
    }

    /**
     * The write of a new episode (the common case: no case of its id, no near-duplicate) is one round trip: the
     * advisory lock, both checks, the case and its evidence event, and the commit. A near-duplicate still merges.
     */
    @Test
    void a_new_episode_and_its_evidence_are_written_in_one_round_trip() throws Exception {
        withRoundTrips((counted, trips) -> {
            Random random = new Random(11);
            counted.add(caseAt(TENANT, 0, "an older task"), randomVector(random));
            CaseFilter candidates = CaseFilter.tenant(TENANT).withBanks(Set.of(Case.DEFAULT_BANK))
                    .withSources(Set.of(CaseSource.REAL));
            Case fresh = caseAt(TENANT, 1, "a new task");
            float[] v = randomVector(random);
            trips.reset();

            CaseStore.Merged written = counted.merge(new CaseStore.Merge(fresh, v, new Evidence("task-1",
                    EvidenceSource.REAL, 1.0, Rater.SCORER, "plan", "answer", fresh.createdAt()), candidates,
                    0.95, CaseEvidence::derive));

            assertThat(trips.count()).isEqualTo(1);
            assertThat(written.existed()).isFalse();
            assertThat(counted.get(TENANT, fresh.id())).contains(written.value());
            assertThat(counted.history(TENANT, fresh.id())).extracting(Evidence::episode, Evidence::rater)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("task-1", Rater.SCORER));

            CaseStore.Merged duplicate = counted.merge(new CaseStore.Merge(caseAt(TENANT, 2, "A new task"), v,
                    new Evidence("task-2", EvidenceSource.REAL, 0.0, Rater.SCORER, "plan 2", "answer 2",
                            fresh.createdAt().plusSeconds(5)), candidates, 0.95, CaseEvidence::derive));
            assertThat(duplicate.existed()).isTrue();
            assertThat(duplicate.value().id()).isEqualTo(fresh.id());
            assertThat(counted.history(TENANT, fresh.id())).extracting(Evidence::episode)
                    .containsExactly("task-1", "task-2");
        });
    }

    /**
     * The cases an episode was shown are read in one round trip (one statement, no transaction to end), not a
     * transaction per case: a task holds a pooled connection that other tasks wait for while it reads them.
     */
    @Test
    void the_cases_of_a_list_of_ids_are_read_in_one_round_trip() throws Exception {
        withRoundTrips((counted, trips) -> {
            Random random = new Random(12);
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(counted.add(caseAt(TENANT, i, "shown " + i), randomVector(random)).id());
            }
            trips.reset();

            List<Case> read = counted.getAll(TENANT, List.of(ids.get(2), ids.get(0), ids.get(3), ids.get(1),
                    ids.get(2)));

            assertThat(trips.count()).isEqualTo(1);
            assertThat(read).extracting(Case::id).containsExactly(ids.get(2), ids.get(0), ids.get(3), ids.get(1));
        });
    }

    /**
     * The selection's search is one statement list in one round trip on one connection, outside a transaction (it
     * was a transaction of three: the scan settings, the query, the commit), and a filtered search still returns
     * every case the filter keeps.
     */
    @Test
    void a_search_is_one_round_trip_on_one_connection() throws Exception {
        withRoundTrips((counted, trips) -> {
            Random random = new Random(13);
            List<Case> values = new ArrayList<>();
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                values.add(caseAt(i % 3 == 0 ? TENANT : OTHER_TENANT, i, "searched " + i));
                vectors.add(randomVector(random));
            }
            counted.addAll(values, vectors);
            float[] query = randomVector(random);
            trips.reset();

            List<ScoredCase> hits = counted.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 4));

            assertThat(trips.count()).isEqualTo(1);
            assertThat(trips.checkouts()).isEqualTo(1);
            assertThat(hits).extracting(hit -> hit.value().id()).containsExactlyElementsOf(
                    exactTop(values, vectors, query, TENANT, 4));
            trips.reset();

            assertThat(counted.search(new VectorQuery(query, CaseFilter.tenant(TENANT), 25)))
                    .as("fewer cases than k: each of them, the count settling it in the same round trip").hasSize(10);
            assertThat(trips.count()).isEqualTo(1);
        });
    }

    /**
     * When the index answers a filtered query short, the exact answer comes in the same round trip: the statement's
     * second branch. Here the filter keeps 20 of 1,020 cases by a column no other index serves, the index may scan a
     * single tuple beyond its first candidate list, and sorts and other scans are off so that the planner takes the
     * index for so few rows (the exact branch sorts all the same: the settings only make other plans cost more).
     */
    @Test
    void a_search_the_index_answers_short_is_answered_exactly_in_the_same_round_trip() throws Exception {
        Random random = new Random(14);
        List<Case> values = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 1020; i++) {
            Case c = caseAt(TENANT, i, "few among many " + i);
            values.add(i < 20 ? c.withLabel(CaseLabel.NEGATIVE) : c);
            vectors.add(randomVector(random));
        }
        store.addAll(values, vectors);
        float[] query = randomVector(random);
        withRoundTrips("set hnsw.max_scan_tuples = 1; set enable_seqscan = off;"
                + " set enable_bitmapscan = off; set enable_sort = off", (counted, trips) -> {
            assertThat(indexHits(trips, query, 20)).as("the index alone answers short").isLessThan(20);
            trips.reset();

            List<ScoredCase> hits = counted.search(new VectorQuery(query,
                    CaseFilter.tenant(TENANT).withLabels(Set.of(CaseLabel.NEGATIVE)), 20));

            assertThat(trips.count()).isEqualTo(1);
            assertThat(hits).extracting(hit -> hit.value().id()).containsExactlyElementsOf(
                    exactTop(values.subList(0, 20), vectors.subList(0, 20), query, TENANT, 20));
        });
    }

    /** How many of the negative cases' k nearest the HNSW index alone returns, scanning as the store does. */
    private static int indexHits(javax.sql.DataSource pool, float[] query, int k) throws Exception {
        try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("analyze cases; set hnsw.ef_search = " + HnswSearch.DEFAULT_EF_SEARCH
                    + "; set hnsw.iterative_scan = strict_order");
            String hits = "select id from cases where tenant = '" + TENANT + "' and label in ('negative') order by"
                    + " embedding <=> '" + new com.pgvector.PGvector(query) + "' limit " + k;
            try (java.sql.ResultSet plan = s.executeQuery("explain " + hits)) {
                StringBuilder text = new StringBuilder();
                while (plan.next()) {
                    text.append(plan.getString(1)).append('\n');
                }
                assertThat(text.toString()).as("the plan scans the HNSW index").contains("cases_embedding_hnsw");
            }
            try (java.sql.ResultSet rs = s.executeQuery("select count(*) from (" + hits + ") hits")) {
                rs.next();
                return rs.getInt(1);
            } finally {
                s.execute("reset hnsw.ef_search; reset hnsw.iterative_scan");
            }
        }
    }

    /** The ids of the tenant's k cases nearest to {@code query} by cosine, nearest first. */
    private static List<UUID> exactTop(List<Case> values, List<float[]> vectors, float[] query, String tenant,
            int k) {
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).tenant().equals(tenant)) {
                mine.add(i);
            }
        }
        mine.sort(java.util.Comparator.comparingDouble(i -> -cosine(vectors.get(i), query)));
        return mine.stream().limit(k).map(i -> values.get(i).id()).toList();
    }

    /** Adds {@value #SEARCHED_CASES} cases of the tenant and answers a query vector, both drawn from {@code random}. */
    private float[] thirtyCasesAndAQuery(Random random) {
        for (int i = 0; i < SEARCHED_CASES; i++) {
            store.add(Case.of(TENANT, "task " + i, "", "", 1, CaseSource.REAL), randomVector(random));
        }
        return randomVector(random);
    }

    /** A pool of two connections on this test's schema. */
    private HikariConfig poolOfThisSchema() {
        TestPostgres.Schema schema = schemas.getLast();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(schema.url());
        config.setUsername(schema.user());
        config.setPassword(schema.password());
        config.setMaximumPoolSize(2);
        return config;
    }

    /** A store on a pool of this test's schema whose round trips are counted. */
    private void withRoundTrips(RoundTripTest test) throws Exception {
        withRoundTrips(null, test);
    }

    /** As {@link #withRoundTrips(RoundTripTest)}, each connection of the pool first running {@code initSql}. */
    private void withRoundTrips(String initSql, RoundTripTest test) throws Exception {
        HikariConfig config = poolOfThisSchema();
        config.setConnectionInitSql(initSql);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            RoundTrips trips = new RoundTrips(pool);
            CaseStore counted = PgVectorCaseStore.open(trips, new EmbeddingSpace("test-model", DIM));
            try {
                test.run(counted, trips);
            } finally {
                counted.close();
            }
        }
    }

    @FunctionalInterface
    private interface RoundTripTest {
        void run(CaseStore counted, RoundTrips trips) throws Exception;
    }

    @Test
    void filtered_search_returns_every_admitted_case_when_the_filter_admits_few_among_many() {
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            store.add(Case.of(OTHER_TENANT, "task " + i, "", "", 1, CaseSource.REAL), randomVector(random));
        }
        List<UUID> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(store.add(Case.of(TENANT, "task " + i, "", "", 1, CaseSource.REAL), randomVector(random)).id());
        }

        assertThat(store.search(new VectorQuery(randomVector(random), CaseFilter.tenant(TENANT), 10)))
                .extracting(hit -> hit.value().id()).containsExactlyInAnyOrderElementsOf(mine);
    }

    @Test
    void a_search_scans_the_index_with_the_configured_ef_search_and_at_least_k() throws Exception {
        float[] query = thirtyCasesAndAQuery(new Random(12));

        assertThat(efSearchOfOneSearch(HnswSearch.DEFAULT, query, 10)).containsExactly("200");
        assertThat(efSearchOfOneSearch(new HnswSearch(37), query, 10)).containsExactly("37");
        assertThat(efSearchOfOneSearch(new HnswSearch(37), query, 50)).containsExactly("50");
    }

    /**
     * The exact branch a search carries is costed as a scan of the table: on a large one PostgreSQL would JIT-compile
     * it and start parallel workers for it at every search though it does not run (about 120 ms a search at a
     * million cases), so the search turns both off for its own statements (set locally, as hnsw.ef_search is).
     */
    @Test
    void a_search_runs_without_jit_and_parallel_workers_for_its_statements_only() throws Exception {
        float[] query = thirtyCasesAndAQuery(new Random(13));

        assertThat(settingOfOneSearch("jit", HnswSearch.DEFAULT, query, 10)).containsExactly("off");
        assertThat(settingOfOneSearch("max_parallel_workers_per_gather", HnswSearch.DEFAULT, query, 10))
                .containsExactly("0");
    }

    /**
     * {@code hnsw.ef_search} in the transaction of one top-k search by a store that scans as {@code scan} says, read
     * on its connection before the connection goes back to a pool that does not auto-commit (so the setting the
     * search made for its statements is still in force).
     */
    private List<String> efSearchOfOneSearch(HnswSearch scan, float[] query, int k) {
        return settingOfOneSearch("hnsw.ef_search", scan, query, k);
    }

    /** {@code setting} in the transaction of one top-k search, read as {@link #efSearchOfOneSearch} reads its own. */
    private List<String> settingOfOneSearch(String setting, HnswSearch scan, float[] query, int k) {
        HikariConfig config = poolOfThisSchema();
        config.setAutoCommit(false);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            SettingAtClose watched = new SettingAtClose(pool, setting);
            try (PgVectorCaseStore scanning = PgVectorCaseStore.open(watched, new EmbeddingSpace("test-model", DIM),
                    scan)) {
                watched.clear();
                assertThat(scanning.search(new VectorQuery(query, CaseFilter.tenant(TENANT), k)))
                        .hasSize(Math.min(k, SEARCHED_CASES));
                return watched.seen();
            }
        }
    }

    @Test
    void full_text_matches_words_of_the_plan_and_answer_in_any_form() {
        Random random = new Random(8);
        Case painted = store.add(Case.of(TENANT, "Which artist made this?", "search museum catalogues",
                "Leonardo painted it", 1, CaseSource.REAL), randomVector(random));
        for (int i = 0; i < 20; i++) {
            store.add(Case.of(TENANT, "unrelated " + i, "", "", 1, CaseSource.REAL), randomVector(random));
        }

        List<ScoredCase> hits = store.hybridSearch(new HybridQuery(randomVector(random),
                "paintings in a museum catalogue", CaseFilter.tenant(TENANT), 1));

        assertThat(hits).extracting(hit -> hit.value().id()).containsExactly(painted.id());
    }

    @Test
    void refuses_to_open_with_another_dimension_naming_the_table() {
        store.close();
        store = null;

        assertThatThrownBy(() -> reopen(384)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("the PostgreSQL table cases (")
                .hasMessageContaining("was built with embedding dimension " + DIM + " (model not recorded by"
                        + " PostgreSQL); opening it with dimension 384 (model test-model) is refused");
    }

    @Test
    void refuses_to_open_on_a_schema_that_was_not_migrated() {
        TestPostgres.Schema empty = TestPostgres.get().newSchema("pgvector_empty");
        schemas.add(empty);

        assertThatThrownBy(() -> open(empty, DIM)).isInstanceOf(StoreException.class)
                .hasMessageContaining("no table 'cases' with an 'embedding' column")
                .hasMessageContaining("run the Flyway migrations of casebook-db");
    }

    @Test
    void fills_in_the_task_keys_of_rows_from_before_the_migration_when_it_opens() throws Exception {
        Random random = new Random(10);
        float[] vector = randomVector(random);
        Case old = store.add(Case.of(TENANT, "  An OLD\tquestion? ", "", "", 1, CaseSource.REAL), vector);
        List<Case> many = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 1100; i++) { // more than one batch of the fill-in
            many.add(Case.of(TENANT, "old question " + i, "", "", 1, CaseSource.REAL));
            vectors.add(randomVector(random));
        }
        ((PgVectorCaseStore) store).addAll(many, vectors);
        store.close();
        try (var c = schemas.getLast().connect(); var s = c.createStatement()) {
            s.executeUpdate("update cases set task_key = ''"); // as the V30 migration leaves existing rows
        }

        store = reopen(DIM);

        try (var c = schemas.getLast().connect(); var s = c.createStatement();
                var rs = s.executeQuery("select count(*) from cases where task_key = ''")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
        CaseFilter guarded = CaseFilter.tenant(TENANT).withExcludedTasks(Set.of(TaskKey.of("an old question?"),
                TaskKey.of("old question 1099")));
        assertThat(store.search(new VectorQuery(vector, guarded, 1))).extracting(hit -> hit.value().id())
                .doesNotContain(old.id());
        assertThat(store.count(guarded)).isEqualTo(1099);
    }

    @Test
    void refuses_to_open_on_a_schema_without_the_task_key_column() throws Exception {
        store.close();
        store = null;
        try (var c = schemas.getLast().connect(); var s = c.createStatement()) {
            s.execute("alter table cases drop column task_key");
        }

        assertThatThrownBy(() -> reopen(DIM)).isInstanceOf(StoreException.class)
                .hasMessageContaining("has no 'task_key' column; run the Flyway migrations of casebook-db (V30)");
    }

    @Test
    void add_all_stores_a_batch_in_one_transaction_or_nothing() {
        PgVectorCaseStore pg = (PgVectorCaseStore) store;
        Random random = new Random(9);
        Case existing = pg.add(Case.of(TENANT, "existing", "", "", 1, CaseSource.REAL), randomVector(random));
        List<Case> batch = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            batch.add(Case.of(TENANT, "bulk " + i, "", "", 1, CaseSource.REAL));
            vectors.add(randomVector(random));
        }

        assertThat(pg.addAll(batch, vectors)).hasSize(1200);
        assertThat(pg.count(CaseFilter.tenant(TENANT))).isEqualTo(1201);
        assertThat(pg.search(new VectorQuery(vectors.get(700), CaseFilter.tenant(TENANT), 1)))
                .extracting(hit -> hit.value().id()).containsExactly(batch.get(700).id());

        List<Case> clashing = List.of(Case.of(TENANT, "new", "", "", 1, CaseSource.REAL), existing);
        assertThatThrownBy(() -> pg.addAll(clashing, List.of(randomVector(random), randomVector(random))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already exists");
        assertThat(pg.count(CaseFilter.tenant(TENANT))).isEqualTo(1201);
        assertThatThrownBy(() -> pg.addAll(List.of(existing), List.of(new float[3])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vector has dimension 3, but the store holds vectors of dimension " + DIM);
    }
}
