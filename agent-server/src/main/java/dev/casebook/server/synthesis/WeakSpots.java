package dev.casebook.server.synthesis;

import java.util.List;
import java.util.Locale;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The tenant's real weak spots, which dream and sandbox jobs can be anchored on ({@code seedFrom}):
 * {@code failed-real}, the real tasks (tasks, chat, evaluation items) whose reward is below 0.5, newest first; and
 * {@code uncertain-real}, the evaluation questions whose attempts disagree (some correct, some not), newest run first.
 * Each text once.
 */
@Component
public class WeakSpots {
    public static final List<String> KINDS = List.of("failed-real", "uncertain-real");

    private final JdbcTemplate jdbc;

    WeakSpots(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Up to {@code limit} task texts of the kind.
     *
     * @throws IllegalArgumentException for a kind that is not one of {@link #KINDS}, with a message for the client
     */
    public List<String> tasks(String tenant, String kind, int limit) {
        return switch (kind(kind)) {
            case "failed-real" -> jdbc.queryForList("""
                    SELECT text FROM tasks WHERE tenant = ? AND source = 'real' AND reward IS NOT NULL
                        AND reward < 0.5
                    GROUP BY text ORDER BY MAX(finished_at) DESC LIMIT ?""", String.class, tenant, limit);
            case "uncertain-real" -> jdbc.queryForList("""
                    SELECT i.question FROM eval_items i JOIN eval_runs r ON r.id = i.run_id
                    WHERE r.tenant = ? AND i.correct IS NOT NULL
                    GROUP BY i.question
                    HAVING SUM(CASE WHEN i.correct THEN 1 ELSE 0 END) > 0
                       AND SUM(CASE WHEN i.correct THEN 0 ELSE 1 END) > 0
                    ORDER BY MAX(r.created_at) DESC LIMIT ?""", String.class, tenant, limit);
            default -> throw new IllegalStateException(kind);
        };
    }

    /** The kind as stored; a bad one is an {@link IllegalArgumentException} naming the kinds. */
    public static String kind(String kind) {
        String k = kind == null ? "" : kind.strip().toLowerCase(Locale.ROOT);
        if (!KINDS.contains(k)) {
            throw new IllegalArgumentException("field 'seedFrom' must be one of " + KINDS + ", was '" + kind + "'");
        }
        return k;
    }
}
