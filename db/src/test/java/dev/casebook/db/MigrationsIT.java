package dev.casebook.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every migration applies on a fresh PostgreSQL schema and on H2, with the embedding dimension as a placeholder. */
class MigrationsIT {
    private final List<TestPostgres.Schema> schemas = new ArrayList<>();

    @AfterEach
    void dropSchemas() {
        schemas.forEach(TestPostgres.Schema::drop);
    }

    @Test
    void postgresql_cases_table_has_a_vector_column_of_the_configured_dimension_and_its_indexes() throws SQLException {
        TestPostgres.Schema schema = newSchema();
        MigrateResult result = migrate(schema, 384);

        assertThat(result.migrationsExecuted).isGreaterThanOrEqualTo(3);
        try (Connection c = schema.connect()) {
            assertThat(single(c, "select format_type(atttypid, atttypmod) from pg_attribute"
                    + " where attrelid = 'cases'::regclass and attname = 'embedding'")).isEqualTo("vector(384)");
            assertThat(single(c, "select indexdef from pg_indexes where schemaname = current_schema()"
                    + " and indexname = 'cases_embedding_hnsw'"))
                    .contains("USING hnsw").contains("vector_cosine_ops");
            assertThat(single(c, "select indexdef from pg_indexes where schemaname = current_schema()"
                    + " and indexname = 'cases_text_search'")).contains("USING gin");
            assertThat(single(c, "select indexdef from pg_indexes where schemaname = current_schema()"
                    + " and indexname = 'cases_tenant_created'")).contains("(tenant,");
            assertThat(single(c, "select count(*) from information_schema.tables"
                    + " where table_schema = current_schema() and table_name in ('tasks', 'api_keys')"))
                    .isEqualTo("2");
        }
    }

    @Test
    void postgresql_full_text_column_follows_task_plan_and_answer() throws SQLException {
        TestPostgres.Schema schema = newSchema();
        migrate(schema, 3);
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, plan, answer, reward, label, source, created_at,"
                    + " updated_at, embedding) values (gen_random_uuid(), 't', 'Who painted the Mona Lisa?',"
                    + " 'search museums', 'Leonardo', 1, 'positive', 'real', now(), now(), '[1,0,0]')");
            assertThat(single(c, "select count(*) from cases"
                    + " where text_search @@ websearch_to_tsquery('english', 'painting museum Leonardo')"))
                    .isEqualTo("1");
        }
    }

    @Test
    void postgresql_vector_dimension_comes_from_the_placeholder() throws SQLException {
        TestPostgres.Schema schema = newSchema();
        migrate(schema, 8);
        try (Connection c = schema.connect()) {
            assertThat(single(c, "select format_type(atttypid, atttypmod) from pg_attribute"
                    + " where attrelid = 'cases'::regclass and attname = 'embedding'")).isEqualTo("vector(8)");
        }
    }

    @Test
    void h2_migrates_with_the_placeholder_and_keeps_later_migrations() throws SQLException {
        String url = "jdbc:h2:mem:migrations" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        MigrateResult result = Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration/h2")
                .placeholders(Map.of("embedding_dimension", "4"))
                .load()
                .migrate();

        assertThat(result.migrations).extracting(m -> m.version).startsWith("1", "2", "3");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, reward, label, source, created_at, updated_at, embedding)"
                    + " values (random_uuid(), 't', 'a task', 0.5, 'positive', 'real', current_timestamp,"
                    + " current_timestamp, array[1, 0, 0, 0])");
            assertThat(single(c, "select count(*) from cases")).isEqualTo("1");
        }
    }

    @Test
    void postgresql_policy_replay_rows_take_the_tenant_of_their_case_and_rows_of_no_known_tenant_go()
            throws SQLException {
        TestPostgres.Schema schema = newSchema();
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(schema.url(), schema.user(), schema.password())
                .schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("20").load().migrate();
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, reward, label, source, created_at, updated_at,"
                    + " embedding) values ('" + KNOWN_CASE + "', 'acme', 'a task', 1, 'positive', 'real', now(),"
                    + " now(), '[1,0,0]')");
            insertReplayRows(s, "'\\x00'::bytea");
        }
        flyway.target("latest").load().migrate();
        try (Connection c = schema.connect()) {
            assertThat(single(c, "select string_agg(case_id || ':' || tenant, ',') from policy_replay"))
                    .isEqualTo(KNOWN_CASE + ":acme");
            assertThat(single(c, "select is_nullable from information_schema.columns where table_schema ="
                    + " current_schema() and table_name = 'policy_replay' and column_name = 'tenant'"))
                    .isEqualTo("NO");
        }
    }

    @Test
    void h2_policy_replay_rows_take_the_tenant_of_their_case_and_rows_of_no_known_tenant_go() throws SQLException {
        String url = "jdbc:h2:mem:migrations" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration/h2")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("20").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, reward, label, source, created_at, updated_at, embedding)"
                    + " values ('" + KNOWN_CASE + "', 'acme', 'a task', 1, 'positive', 'real', current_timestamp,"
                    + " current_timestamp, array[1, 0, 0])");
            insertReplayRows(s, "X'00'");
        }
        flyway.target("latest").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertThat(single(c, "select listagg(case_id || ':' || tenant, ',') from policy_replay"))
                    .isEqualTo(KNOWN_CASE + ":acme");
        }
    }

    @Test
    void postgresql_cases_written_before_evidence_get_one_event_from_their_state_and_the_default_bank()
            throws SQLException {
        TestPostgres.Schema schema = newSchema();
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(schema.url(), schema.user(), schema.password())
                .schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("78").load().migrate();
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, plan, answer, reward, label, source, origin, uses,"
                    + " successes, created_at, updated_at, embedding) values ('" + KNOWN_CASE + "', 'acme',"
                    + " 'What is 17*23?', 'multiply', '391', 1, 'positive', 'real', 'task-7', 4, 2,"
                    + " '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '[1,0,0]')");
        }
        flyway.target("latest").load().migrate();
        try (Connection c = schema.connect()) {
            assertThat(single(c, "select string_agg(case_id || '|' || episode || '|' || source || '|' || reward"
                    + " || '|' || rater || '|' || plan || '|' || answer || '|'"
                    + " || to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD'), ',') from case_evidence"))
                    .isEqualTo(KNOWN_CASE + "|task-7|real|1|unrated|multiply|391|2026-01-02");
            assertThat(single(c, "select tenant || '|' || task || '|' || reward || '|' || uses || '|' || successes"
                    + " || '|' || bank from cases")).isEqualTo("acme|What is 17*23?|1|4|2|default");
            assertThat(single(c, "select count(*) from case_banks")).isEqualTo("0");
        }
    }

    @Test
    void h2_cases_written_before_evidence_get_one_event_from_their_state_and_the_default_bank() throws SQLException {
        String url = "jdbc:h2:mem:migrations" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration/h2")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("78").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, plan, answer, reward, label, source, origin, uses,"
                    + " successes, created_at, updated_at, embedding) values ('" + KNOWN_CASE + "', 'acme',"
                    + " 'What is 17*23?', 'multiply', '391', 1, 'positive', 'real', 'task-7', 4, 2,"
                    + " TIMESTAMP WITH TIME ZONE '2026-01-01 00:00:00Z', TIMESTAMP WITH TIME ZONE '2026-01-02 00:00:00Z',"
                    + " array[1, 0, 0])");
        }
        flyway.target("latest").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertThat(single(c, "select listagg(case_id || '|' || episode || '|' || source || '|' || rater || '|'"
                    + " || plan || '|' || answer, ',') from case_evidence"))
                    .isEqualTo(KNOWN_CASE + "|task-7|real|unrated|multiply|391");
            assertThat(single(c, "select reward from case_evidence")).isEqualTo("1.0");
            assertThat(single(c, "select bank || '|' || uses || '|' || successes from cases"))
                    .isEqualTo("default|4|2");
        }
    }

    @Test
    void postgresql_cases_start_unconfirmed_and_replay_rows_take_their_cases_source_and_weight_1() throws SQLException {
        TestPostgres.Schema schema = newSchema();
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(schema.url(), schema.user(), schema.password())
                .schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("80").load().migrate();
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, reward, label, source, created_at, updated_at,"
                    + " embedding) values ('" + KNOWN_CASE + "', 'acme', 'a dream', 1, 'positive', 'synthetic',"
                    + " now(), now(), '[1,0,0]')");
            insertTenantReplayRows(s, "'\\x00'::bytea");
        }
        flyway.target("latest").load().migrate();
        try (Connection c = schema.connect()) {
            assertThat(single(c, "select cast(confirmed as text) from cases")).isEqualTo("false");
            assertThat(single(c, "select string_agg(case_source || ':' || cast(confirmed as text) || ':' || weight,"
                    + " ',' order by id) from policy_replay")).isEqualTo("synthetic:false:1,real:false:1");
        }
    }

    @Test
    void h2_cases_start_unconfirmed_and_replay_rows_take_their_cases_source_and_weight_1() throws SQLException {
        String url = "jdbc:h2:mem:migrations" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration/h2")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("80").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("insert into cases (id, tenant, task, reward, label, source, created_at, updated_at, embedding)"
                    + " values ('" + KNOWN_CASE + "', 'acme', 'a dream', 1, 'positive', 'synthetic',"
                    + " current_timestamp, current_timestamp, array[1, 0, 0])");
            insertTenantReplayRows(s, "X'00'");
        }
        flyway.target("latest").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertThat(single(c, "select count(*) from cases where not confirmed")).isEqualTo("1");
            assertThat(single(c, "select listagg(case_source || ':' || weight, ',') within group (order by id)"
                    + " from policy_replay")).isEqualTo("synthetic:1.0,real:1.0");
            assertThat(single(c, "select count(*) from policy_replay where confirmed")).isEqualTo("0");
        }
    }

    @Test
    void postgresql_finished_evaluation_items_take_tokens_estimated_from_their_tasks_steps() throws SQLException {
        TestPostgres.Schema schema = newSchema();
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(schema.url(), schema.user(), schema.password())
                .schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("85").load().migrate();
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            insertRunWhoseItemsRecordedSteps(s);
        }
        flyway.target("latest").load().migrate();
        try (Connection c = schema.connect()) {
            assertItemsKeepWhatTheirStepsSaid(c);
        }
    }

    @Test
    void h2_finished_evaluation_items_take_tokens_estimated_from_their_tasks_steps() throws SQLException {
        String url = "jdbc:h2:mem:migrations" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        FluentConfiguration flyway = Flyway.configure()
                .dataSource(url, "sa", "")
                .locations("classpath:db/migration/h2")
                .placeholders(Map.of("embedding_dimension", "3"));
        flyway.target("85").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            insertRunWhoseItemsRecordedSteps(s);
        }
        flyway.target("latest").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "sa", "")) {
            assertItemsKeepWhatTheirStepsSaid(c);
        }
    }

    /**
     * A run of three items as V85 left them: item 1's task has a step whose tokens were estimated, item 2's has none,
     * item 3 is pending (no task yet).
     */
    private static void insertRunWhoseItemsRecordedSteps(Statement s) throws SQLException {
        s.execute("insert into eval_runs (id, tenant, name, status, dataset_name, dataset_path, dataset_format,"
                + " settings, primary_scorer, total_items, created_at) values ('run-1', 'acme', 'a run', 'running',"
                + " 'd', '/d.jsonl', 'jsonl', '{}', 'squad', 3, current_timestamp)");
        for (String task : List.of("task-estimated", "task-counted")) {
            s.execute("insert into tasks (id, tenant, text, status, memory_mode, budgets, attachments, runner,"
                    + " created_at) values ('" + task + "', 'acme', 'a question', 'ANSWERED', 'off', '{}', '[]',"
                    + " 'node-1', current_timestamp)");
            s.execute("insert into task_steps (task_id, seq, type, phase, payload, tokens, millis, at) values ('"
                    + task + "', 1, 'planned', 'plan', '{\"use\":{\"tokensEstimated\":false}}', 10, 1,"
                    + " current_timestamp)");
        }
        s.execute("insert into task_steps (task_id, seq, type, phase, payload, tokens, millis, at) values"
                + " ('task-estimated', 2, 'answered', 'plan', '{\"use\":{\"tokensEstimated\":true}}', 10, 1,"
                + " current_timestamp)");
        s.execute("insert into eval_items (run_id, seq, epoch, attempt, item_id, item_group, question, golds,"
                + " attachments, status, task_id) values ('run-1', 1, 1, 1, 'q1', 'all', 'q', '[]', '[]', 'done',"
                + " 'task-estimated'), ('run-1', 2, 1, 1, 'q2', 'all', 'q', '[]', '[]', 'done', 'task-counted'),"
                + " ('run-1', 3, 1, 1, 'q3', 'all', 'q', '[]', '[]', 'pending', null)");
    }

    private static void assertItemsKeepWhatTheirStepsSaid(Connection c) throws SQLException {
        assertThat(single(c, "select count(*) from eval_items where tokens_estimated")).isEqualTo("1");
        assertThat(single(c, "select seq from eval_items where tokens_estimated")).isEqualTo("1");
    }

    /** As {@link #insertReplayRows} after V31: each row with its tenant. */
    private static void insertTenantReplayRows(Statement s, String bytes) throws SQLException {
        for (String caseId : List.of(KNOWN_CASE, "00000000-0000-0000-0000-000000000000")) {
            s.execute("insert into policy_replay (tenant, case_id, state, case_vector, uses, successes, label, reward,"
                    + " created_at) values ('acme', '" + caseId + "', " + bytes + ", " + bytes + ", 0, 0, 'positive',"
                    + " 1, current_timestamp)");
        }
    }

    private static final String KNOWN_CASE = "5f0c6f0e-1b5a-4c1e-9d3a-2b7f8e9a0c11";

    /** One replay row of a case in {@code cases}, one of a case that is not there. */
    private static void insertReplayRows(Statement s, String bytes) throws SQLException {
        for (String caseId : List.of(KNOWN_CASE, "00000000-0000-0000-0000-000000000000")) {
            s.execute("insert into policy_replay (case_id, state, case_vector, uses, successes, label, reward,"
                    + " created_at) values ('" + caseId + "', " + bytes + ", " + bytes + ", 0, 0, 'positive', 1,"
                    + " current_timestamp)");
        }
    }

    private TestPostgres.Schema newSchema() {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("migrations");
        schemas.add(schema);
        return schema;
    }

    private static MigrateResult migrate(TestPostgres.Schema schema, int dimension) {
        return Flyway.configure()
                .dataSource(schema.url(), schema.user(), schema.password())
                .schemas(schema.name())
                .locations("classpath:db/migration/postgresql")
                .placeholders(Map.of("embedding_dimension", Integer.toString(dimension)))
                .load()
                .migrate();
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from: %s", sql).isTrue();
            return rs.getString(1);
        }
    }
}
