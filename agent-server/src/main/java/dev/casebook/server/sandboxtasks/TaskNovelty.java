package dev.casebook.server.sandboxtasks;

import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.embedding.Vectors;
import dev.casebook.server.memory.FirstUseEmbedder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether a generated task is new: its statement is embedded (the case memory's embedder, or the in-process model
 * when the server keeps no case memory) and compared by cosine similarity with the job's kept tasks
 * ({@code duplicate}) and with the questions of the tenant's evaluation runs ({@code contaminated}, so that practice
 * never rehearses a benchmark item). Embeddings of texts seen before are cached (at most {@value #CACHE} texts).
 */
@Component
class TaskNovelty {
    static final int CACHE = 20_000;
    static final int MAX_TEXT_CHARS = 2_000;

    /** Why a task is not new: {@code duplicate} or {@code contaminated}, with a detail naming the look-alike. */
    record Discard(String reason, String detail) {
    }

    private final FirstUseEmbedder embedder;
    private final JdbcTemplate jdbc;
    private final Map<String, float[]> cache = new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CACHE;
        }
    };

    TaskNovelty(ObjectProvider<Embedder> embedders, JdbcTemplate jdbc) {
        this.embedder = new FirstUseEmbedder(embedders);
        this.jdbc = jdbc;
    }

    /**
     * @param duplicateThreshold    cosine from which a task repeats a kept task of the job; above 1 never
     * @param contaminationThreshold cosine from which a task resembles an evaluation item of the tenant
     */
    Optional<Discard> check(String tenant, String jobId, int slot, String statement, double duplicateThreshold,
                            double contaminationThreshold) {
        float[] vector = vector(statement);
        if (duplicateThreshold <= 1.0) {
            List<Map<String, Object>> kept = jdbc.queryForList("SELECT slot, statement FROM sandbox_tasks WHERE"
                    + " job_id = ? AND kept = ? AND slot <> ? ORDER BY slot", jobId, true, slot);
            for (Map<String, Object> row : kept) {
                String other = (String) row.get("statement");
                double cosine = Vectors.cosine(vector, vector(other));
                if (cosine >= duplicateThreshold) {
                    return Optional.of(new Discard("duplicate", "cosine %.3f with the job's task in slot %s (at least %s"
                            .formatted(cosine, row.get("slot"), duplicateThreshold) + " is a duplicate): "
                            + oneLine(other)));
                }
            }
        }
        List<String> questions = jdbc.queryForList("SELECT DISTINCT i.question FROM eval_items i JOIN eval_runs r"
                + " ON r.id = i.run_id WHERE r.tenant = ?", String.class, tenant);
        for (String question : questions) {
            if (question == null || question.isBlank()) {
                continue;
            }
            double cosine = Vectors.cosine(vector, vector(question));
            if (cosine >= contaminationThreshold) {
                return Optional.of(new Discard("contaminated", "cosine %.3f with an evaluation item of the tenant"
                        .formatted(cosine) + " (at least " + contaminationThreshold + " is contaminated): "
                        + oneLine(question)));
            }
        }
        return Optional.empty();
    }

    private float[] vector(String text) {
        String key = text.length() <= MAX_TEXT_CHARS ? text : text.substring(0, MAX_TEXT_CHARS);
        synchronized (cache) {
            float[] known = cache.get(key);
            if (known != null) {
                return known;
            }
        }
        float[] vector = embedder.get().embed(key);
        synchronized (cache) {
            cache.put(key, vector);
        }
        return vector;
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
