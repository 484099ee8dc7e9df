package dev.casebook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The tie-aware figure of {@code bench retrieval} on five hand-placed 2-d cases and the query (1, 0): cosine
 * similarities 0.99, 0.98, 0.95 (the true top 3), 0.9496 (a near-tie of the 3rd: distance 0.0504 against 0.05, within
 * 1%) and 0.5 (far).
 */
class EpsilonRecallTest {
    private static final float[] QUERY = {1, 0};
    private static final double[] SIMILARITIES = {0.99, 0.98, 0.95, 0.9496, 0.5};
    private static final int K = 3;
    private final Corpus corpus = corpus();
    private final float[] matrix = corpus.matrix();
    private final Corpus.Exact exact = corpus.exactTopK(matrix, QUERY, 0, K);

    private static Corpus corpus() {
        List<Case> cases = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < SIMILARITIES.length; i++) {
            cases.add(new Case(new UUID(SIMILARITIES.length, i), "bench", "case " + i, "", "", 1, CaseLabel.POSITIVE,
                    CaseSource.REAL, "", 0, 0, at, at));
            double cos = SIMILARITIES[i];
            vectors.add(new float[] {(float) cos, (float) Math.sqrt(1 - cos * cos)});
        }
        return new Corpus(cases, vectors, 1);
    }

    private double epsilonRecall(int... rows) {
        double[] distances = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            distances[i] = corpus.distance(matrix, QUERY, corpus.cases().get(rows[i]).id());
        }
        return EpsilonRecall.of(distances, exact.kthDistance(), K, EpsilonRecall.EPS);
    }

    @Test
    void the_exact_answer_has_the_kth_distance_of_its_last_case() {
        assertThat(exact.ids()).containsExactlyInAnyOrder(corpus.cases().get(0).id(), corpus.cases().get(1).id(),
                corpus.cases().get(2).id());
        assertThat(exact.kthDistance()).isCloseTo(0.05, within(1e-6));
        assertThat(epsilonRecall(0, 1, 2)).isEqualTo(1.0);
    }

    @Test
    void a_true_neighbour_swapped_for_a_near_tie_still_counts() {
        assertThat(epsilonRecall(0, 1, 3)).isEqualTo(1.0);
    }

    @Test
    void a_true_neighbour_swapped_for_a_far_case_does_not_count() {
        assertThat(epsilonRecall(0, 1, 4)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(epsilonRecall(3, 4, 4)).isCloseTo(1 / 3.0, within(1e-12));
    }

    @Test
    void a_short_answer_leaves_its_missing_places_uncounted() {
        assertThat(epsilonRecall(0)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(epsilonRecall()).isZero();
    }

    @Test
    void the_ties_are_the_cases_within_the_tolerance_of_the_kth_distance() {
        double[] distances = corpus.distances(matrix, QUERY, 0);

        assertThat(EpsilonRecall.within(distances, exact.kthDistance(), EpsilonRecall.EPS)).isEqualTo(4);
        assertThat(EpsilonRecall.within(distances, exact.kthDistance(), 0)).isEqualTo(K);
        assertThat(EpsilonRecall.within(distances, exact.kthDistance(), 10)).isEqualTo(5);
    }
}
