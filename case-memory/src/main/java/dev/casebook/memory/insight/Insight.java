package dev.casebook.memory.insight;

import dev.casebook.memory.Case;
import dev.casebook.memory.StorableText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A lesson distilled from a group of past cases (ExpeL-style: "for tasks like X, do Y; avoid Z"), kept beside the
 * cases as its own kind of memory. It is found by the <em>family</em> of tasks it was learned from, not by the
 * wording of one task: {@code centroid} is the unit-length mean of the member tasks' vectors ({@link #centroidOf}),
 * and retrieval ranks insights by the cosine between a new task's vector and that centroid.
 *
 * @param family    a short description of the tasks the insight is for (as the distiller named them)
 * @param text      the lesson itself, as the planner will read it ({@link StorableText storable}, as the family)
 * @param members   how many task vectors the centroid averages
 * @param successes how many successful cases the lesson was distilled from (its evidence)
 * @param failures  how many failed cases it was distilled from
 * @param evidence  the ids of those cases
 */
public record Insight(UUID id, String tenant, String bank, String family, String text, float[] centroid, int members,
        int successes, int failures, List<UUID> evidence, Instant updatedAt) {

    /** The longest insight text a store keeps. */
    public static final int MAX_TEXT = 4_000;

    public Insight {
        Objects.requireNonNull(id, "id");
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("an insight needs a tenant");
        }
        bank = bank == null || bank.isBlank() ? Case.DEFAULT_BANK : bank;
        family = family == null ? "" : StorableText.of(family.strip());
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an insight needs a text");
        }
        text = StorableText.of(text.strip());
        if (text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("an insight's text has " + text.length()
                    + " characters; at most " + MAX_TEXT + " are kept");
        }
        Objects.requireNonNull(centroid, "centroid");
        if (members < 1 || successes < 0 || failures < 0) {
            throw new IllegalArgumentException("members must be positive and evidence counts not negative, were "
                    + members + ", " + successes + ", " + failures);
        }
        evidence = List.copyOf(evidence);
        // microseconds: what PostgreSQL keeps, so a round trip gives the same instant in every store
        updatedAt = Objects.requireNonNull(updatedAt, "updatedAt").truncatedTo(ChronoUnit.MICROS);
    }

    /** A new insight (fresh id, now) of the default bank unless {@code bank} says otherwise. */
    public static Insight of(String tenant, String bank, String family, String text, float[] centroid, int members,
            int successes, int failures, List<UUID> evidence) {
        return new Insight(UUID.randomUUID(), tenant, bank, family, text, centroid, members, successes, failures,
                evidence, Instant.now());
    }

    /** The same insight rewritten from newer evidence: same id, tenant and bank. */
    public Insight revised(String family, String text, float[] centroid, int members, int successes, int failures,
            List<UUID> evidence) {
        return new Insight(id, tenant, bank, family, text, centroid, members, successes, failures, evidence,
                Instant.now());
    }

    /**
     * The family's centroid: the mean of the member vectors scaled to unit length (so cosine and dot product agree).
     *
     * @throws IllegalArgumentException when there are no vectors, their dimensions differ, or they cancel out
     */
    public static float[] centroidOf(List<float[]> vectors) {
        if (vectors.isEmpty()) {
            throw new IllegalArgumentException("a family's centroid needs at least one task vector");
        }
        int dimension = vectors.getFirst().length;
        double[] sum = new double[dimension];
        for (float[] v : vectors) {
            if (v.length != dimension) {
                throw new IllegalArgumentException("task vectors of dimensions " + dimension + " and " + v.length
                        + " cannot be averaged");
            }
            double norm = 0;
            for (float x : v) {
                norm += x * x;
            }
            double scale = norm == 0 ? 0 : 1 / Math.sqrt(norm);
            for (int i = 0; i < dimension; i++) {
                sum[i] += v[i] * scale;
            }
        }
        double norm = 0;
        for (double x : sum) {
            norm += x * x;
        }
        if (norm == 0) {
            throw new IllegalArgumentException("the task vectors cancel out: their centroid is zero");
        }
        float[] out = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            out[i] = (float) (sum[i] / Math.sqrt(norm));
        }
        return out;
    }
}
