package dev.casebook.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.casebook.server.storage.MigratedPool;
import dev.casebook.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claims of queued tasks racing on a real database: many claimers, as on several replicas, each claiming batches
 * until the queue is empty. On PostgreSQL every claimer has a {@link TaskClaims} of its own (as replicas do) and
 * {@code FOR UPDATE SKIP LOCKED} keeps them apart; on the embedded H2 one instance's claimers share its lock.
 */
class TaskClaimsIT {
    private static final int TASKS = 300;

    @Test
    void no_task_is_claimed_twice_by_replicas_claiming_at_once_on_postgresql() throws Exception {
        TestPostgres.Schema schema = TestPostgres.get().newSchema("claimrace");
        try (HikariDataSource db = MigratedPool.of(schema, 16)) {
            List<TaskClaims> replicas = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                replicas.add(new TaskClaims(new JdbcTemplate(db), JsonMapper.builder().build(), db));
            }
            race(db, replicas);
        }
    }

    @Test
    void no_task_is_claimed_twice_by_claimers_sharing_the_embedded_database() throws Exception {
        try (HikariDataSource db = MigratedPool.of("jdbc:h2:mem:claimrace;DB_CLOSE_DELAY=-1", "sa", "", null, "h2",
                16)) {
            TaskClaims claims = new TaskClaims(new JdbcTemplate(db), JsonMapper.builder().build(), db);
            race(db, List.of(claims, claims, claims, claims, claims, claims));
        }
    }

    /**
     * Queues {@link #TASKS} tasks, then lets each claimer (two threads each) claim batches of 7 until none is left.
     * Every thread makes its first claim before any makes a second (a barrier; 12 batches of 7 leave most tasks
     * queued), so every claimer takes part whichever thread the scheduler runs first.
     */
    private static void race(HikariDataSource db, List<TaskClaims> claimers) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        Instant created = Instant.now();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            rows.add(new Object[] {UUID.randomUUID().toString(), "task " + i,
                    created.plusMillis(i).atOffset(ZoneOffset.UTC)});
        }
        jdbc.batchUpdate("""
                INSERT INTO tasks (id, tenant, text, status, memory_mode, budgets, attachments, runner, created_at)
                VALUES (?, 'race', ?, 'QUEUED', 'off', '{}', '[]', 'nobody', ?)""", rows);

        ConcurrentMap<String, List<String>> claimedBy = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        CyclicBarrier firstClaims = new CyclicBarrier(claimers.size() * 2);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < claimers.size() * 2; i++) {
                TaskClaims claims = claimers.get(i / 2);
                String instance = "replica-" + (i / 2);
                done.add(threads.submit(() -> {
                    go.await();
                    List<Claim> batch;
                    boolean first = true;
                    do {
                        batch = claims.claimQueued(instance, 7, Duration.ofMinutes(1));
                        if (first) {
                            first = false;
                            assertThat(batch).as("the first claim of " + instance).isNotEmpty();
                            firstClaims.await(5, TimeUnit.MINUTES);
                        }
                        for (Claim c : batch) {
                            assertThat(c.runner()).isEqualTo(instance);
                            assertThat(c.attempt()).isEqualTo(1);
                            claimedBy.computeIfAbsent(c.taskId(), id -> new CopyOnWriteArrayList<>()).add(instance);
                        }
                    } while (!batch.isEmpty());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }

        assertThat(claimedBy).hasSize(TASKS);
        claimedBy.forEach((id, by) -> assertThat(by).as(id).hasSize(1));
        Set<String> replicasThatClaimed = new HashSet<>();
        claimedBy.values().forEach(replicasThatClaimed::addAll);
        assertThat(replicasThatClaimed).hasSize(claimers.size());
        for (Map<String, Object> row : jdbc.queryForList("SELECT id, runner, status, attempt FROM tasks")) {
            assertThat(row.get("status")).isEqualTo("RUNNING");
            assertThat(row.get("runner")).isEqualTo(claimedBy.get((String) row.get("id")).getFirst());
            assertThat(((Number) row.get("attempt")).intValue()).isEqualTo(1);
        }
    }
}
