package dev.casebook.memory.insight;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseRetriever;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.embedding.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Which cases are a rated case's <em>family</em>, the group an insight is distilled from when the case is rated: the
 * tenant's rated real cases of the case's bank (at least one evidence event whose rater is rated; synthetic and
 * sandbox cases never) whose task has a cosine of at least {@code similarity} with the case's task, up to
 * {@link #SEARCHED}, the most similar first. A family smaller than {@code minSize} is not distilled. The family's
 * previous insight is the tenant's insight of that bank whose centroid is within {@code similarity} of the family's.
 *
 * <p>The server's insight trigger and the memory-learning simulator both decide by this rule.
 *
 * @param similarity the cosine from which a rated real case is of the family
 * @param minSize    a family has at least this many members, or it is not distilled
 */
public record FamilyRule(double similarity, int minSize) {

    /** The server's defaults ({@code casebook.memory.insights.family-similarity}, {@code min-family-size}). */
    public static final FamilyRule DEFAULT = new FamilyRule(0.8, 3);

    /** At most this many nearest cases are read for a family. */
    public static final int SEARCHED = 64;

    /** A member of a family: a case and its task's vector. */
    public record Member(Case value, float[] vector) {
        public Member {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(vector, "vector");
        }
    }

    /**
     * The rated case (null when it is gone) and its family's members, the case first; no members when the family is
     * smaller than {@code minSize}.
     */
    public record Family(Case rated, List<Member> members) {
        public Family {
            members = List.copyOf(members);
        }

        /** Whether the family is big enough to distil. */
        public boolean distillable() {
            return !members.isEmpty();
        }
    }

    public FamilyRule {
        if (Double.isNaN(similarity) || similarity < -1 || similarity > 1) {
            throw new IllegalArgumentException("a family's similarity must be within [-1, 1], was " + similarity);
        }
        if (minSize < 1) {
            throw new IllegalArgumentException("a family's minimum size must be positive, was " + minSize);
        }
    }

    /**
     * The family of case {@code caseId}: its task embedded again, the nearest real cases of its bank read, those
     * within {@link #similarity} that are rated kept, and their tasks embedded.
     */
    public Family familyOf(CaseRetriever store, Embedder embedder, String tenant, UUID caseId) {
        Case value = store.get(tenant, caseId).orElse(null);
        if (value == null) {
            return new Family(null, List.of());
        }
        float[] vector = embedder.embed(value.task());
        CaseFilter filter = CaseFilter.tenant(tenant).withSources(Set.of(CaseSource.REAL))
                .withBanks(Set.of(value.bank()));
        List<Case> cases = new ArrayList<>();
        for (ScoredCase s : store.search(new VectorQuery(vector, filter, SEARCHED))) {
            if (s.score() >= similarity && isRated(store, s.value())) {
                cases.add(s.value());
            }
        }
        if (cases.size() < minSize) {
            return new Family(value, List.of());
        }
        List<float[]> vectors = embedder.embedAll(cases.stream().map(Case::task).toList());
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            members.add(new Member(cases.get(i), vectors.get(i)));
        }
        return new Family(value, members);
    }

    /** The query that finds the family's previous insight, the one a distillation revises. */
    public InsightQuery previousInsight(String tenant, String bank, float[] centroid) {
        return new InsightQuery(tenant, Set.of(bank), centroid, 1, similarity);
    }

    private static boolean isRated(CaseRetriever store, Case c) {
        return store.history(c.tenant(), c.id()).stream().map(Evidence::rater).anyMatch(r -> r.rated());
    }
}
