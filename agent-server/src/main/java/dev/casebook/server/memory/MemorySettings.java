package dev.casebook.server.memory;

import dev.casebook.memory.CaseSource;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Case memory of this server, bound from {@code casebook.memory.*}.
 *
 * @param store              {@code lucene} (default: a directory on disk), {@code pgvector} (the server's
 *                           PostgreSQL, table from Flyway's V1), or {@code none} (no case memory: tasks run with
 *                           memory off, case endpoints answer 503)
 * @param dir                the Lucene directory (default {@code ./data/cases})
 * @param duplicateThreshold cosine similarity from which a finished episode updates an existing case of the same
 *                           tenant instead of adding one (default 0.95)
 * @param policy             the case-selection policy of tasks that name none (default {@code similarity})
 * @param includeSynthetic   whether the planner may be shown cases written by dream rollouts (source
 *                           {@code synthetic}); default true. Off keeps synthetic experience apart: such cases are
 *                           still written and listed, but never selected
 */
@ConfigurationProperties("casebook.memory")
public record MemorySettings(String store, Path dir, Double duplicateThreshold, String policy,
        Boolean includeSynthetic) {

    public MemorySettings {
        store = store == null || store.isBlank() ? "lucene" : store.strip().toLowerCase(Locale.ROOT);
        if (!store.equals("lucene") && !store.equals("pgvector") && !store.equals("none")) {
            throw new IllegalArgumentException(
                    "casebook.memory.store must be lucene, pgvector or none, was '" + store + "'");
        }
        dir = dir == null ? Path.of("data", "cases") : dir;
        duplicateThreshold = duplicateThreshold == null ? 0.95 : duplicateThreshold;
        if (duplicateThreshold.isNaN() || duplicateThreshold <= 0 || duplicateThreshold > 1) {
            throw new IllegalArgumentException(
                    "casebook.memory.duplicate-threshold must be within (0, 1], was " + duplicateThreshold);
        }
        policy = policy == null || policy.isBlank() ? "similarity" : policy.strip();
        includeSynthetic = includeSynthetic == null || includeSynthetic;
    }

    /** The sources of the cases a task may be shown; empty for all. */
    public Set<CaseSource> selectableSources() {
        return includeSynthetic ? Set.of() : EnumSet.complementOf(EnumSet.of(CaseSource.SYNTHETIC));
    }

    public boolean enabled() {
        return !store.equals("none");
    }
}
