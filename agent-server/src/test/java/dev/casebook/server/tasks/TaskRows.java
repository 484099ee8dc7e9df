package dev.casebook.server.tasks;

import dev.casebook.server.agent.TaskSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Task rows written straight into the run records, in the state a server leaves them while it runs a task (or when it
 * crashed running it): inserted already claimed, so no instance's queue can claim them first.
 */
final class TaskRows {
    private TaskRows() {
    }

    /** A task running on {@code runner} as {@code attempt}, its lease ending at {@code leaseUntil}. */
    static Claim running(JdbcTemplate jdbc, ObjectMapper json, TaskSpec spec, String runner, int attempt,
            Instant leaseUntil) {
        jdbc.update("""
                INSERT INTO tasks (id, tenant, text, status, memory_mode, policy, budgets, attachments, runner, attempt,
                    lease_until, created_at, started_at)
                VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, '[]', ?, ?, ?, ?, ?)""",
                spec.id(), spec.tenant(), spec.text(), spec.memoryMode().wireName(), spec.policy(),
                json.writeValueAsString(spec.budgets()), runner, attempt, leaseUntil.atOffset(ZoneOffset.UTC),
                Instant.now().atOffset(ZoneOffset.UTC), Instant.now().atOffset(ZoneOffset.UTC));
        return new Claim(spec.id(), runner, attempt);
    }
}
