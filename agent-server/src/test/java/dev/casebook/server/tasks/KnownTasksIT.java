package dev.casebook.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.server.storage.MigratedPool;
import dev.casebook.server.web.ApiException;
import dev.casebook.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The check that a tenant has a task (the events and steps endpoints) on PostgreSQL, its connections counted: a
 * task known here takes none, an unknown one is asked every time (another replica may record it), and a task of
 * another tenant stays unknown.
 */
class KnownTasksIT {
    private TestPostgres.Schema schema;
    private HikariDataSource pool;
    private final AtomicInteger checkouts = new AtomicInteger();
    private final KnownTasks known = new KnownTasks();
    private TaskQueries queries;
    private JdbcTemplate jdbc;

    @BeforeEach
    void open() {
        schema = TestPostgres.get().newSchema("knowntasks");
        pool = MigratedPool.of(schema, 2);
        jdbc = new JdbcTemplate(pool);
        queries = new TaskQueries(new JdbcTemplate(new DelegatingDataSource(pool) {
            @Override
            public Connection getConnection() throws SQLException {
                checkouts.incrementAndGet();
                return super.getConnection();
            }
        }), JsonMapper.builder().build(), null, known);
    }

    @AfterEach
    void close() {
        pool.close();
        schema.drop();
    }

    @Test
    void a_task_submitted_here_is_checked_without_a_connection() {
        record("t-1", "acme");
        known.add("acme", "t-1"); // as TaskSubmission does once the task is recorded

        queries.requireExists("acme", "t-1");

        assertThat(checkouts).hasValue(0);
    }

    @Test
    void a_task_found_once_is_not_asked_again_and_an_unknown_one_is_asked_every_time() {
        assertThatThrownBy(() -> queries.requireExists("acme", "t-2")).isInstanceOf(ApiException.class);
        record("t-2", "acme"); // by another replica
        queries.requireExists("acme", "t-2");
        assertThat(checkouts).hasValue(2);

        queries.requireExists("acme", "t-2");
        queries.requireExists("acme", "t-2");
        assertThat(checkouts).hasValue(2);
    }

    @Test
    void a_known_task_is_not_found_for_another_tenant() {
        record("t-3", "acme");
        queries.requireExists("acme", "t-3");

        assertThatThrownBy(() -> queries.requireExists("globex", "t-3")).isInstanceOf(ApiException.class)
                .hasMessageContaining("t-3");
        assertThatThrownBy(() -> queries.requireExists("globex", "t-3")).isInstanceOf(ApiException.class);
    }

    private void record(String id, String tenant) {
        jdbc.update("insert into tasks (id, tenant, text, status, memory_mode, budgets, attachments, runner,"
                + " created_at) values (?, ?, 'a task', 'QUEUED', 'off', '{}', '[]', 'replica-2', ?)", id, tenant,
                OffsetDateTime.now());
    }
}
