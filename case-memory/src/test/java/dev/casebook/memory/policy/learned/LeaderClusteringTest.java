package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The clustering that keeps the pairs it compared groups every shortlist exactly as the clustering without a cache:
 * cases of tight families (cosines about 0.98 within, as the simulator's look-alikes) and loose ones, shortlisted
 * again and again in other orders and mixes.
 */
class LeaderClusteringTest {

    private static final int DIMENSION = 16;

    private final Random random = new Random(3);
    private final List<Case> cases = new ArrayList<>();
    private final List<float[]> vectors = new ArrayList<>();

    LeaderClusteringTest() {
        for (int family = 0; family < 6; family++) {
            float[] centre = gaussian(1);
            for (int i = 0; i < 8; i++) {
                // tight families near the threshold's edge, loose ones spread around it
                add(plus(centre, gaussian(family < 3 ? 0.15 : 0.45)));
            }
        }
    }

    @Test
    void groups_every_shortlist_as_the_clustering_without_a_cache() {
        LeaderClustering cached = new LeaderClustering(0.9);
        for (int shortlist = 0; shortlist < 300; shortlist++) {
            List<Integer> picked = pick(12 + random.nextInt(24));

            assertThat(cached.cluster(casesOf(picked), vectorsOf(picked)))
                    .containsExactly(LeaderClustering.cluster(vectorsOf(picked), 0.9));
        }
    }

    @Test
    void compares_each_pair_of_a_shortlist_once_however_often_it_comes_back_in_other_orders() {
        LeaderClustering cached = new LeaderClustering(0.9);
        List<Integer> picked = pick(32);
        long uncached = 0;
        for (int order = 0; order < 20; order++) {
            Collections.shuffle(picked, random);
            int[] clusters = cached.cluster(casesOf(picked), vectorsOf(picked));

            assertThat(clusters).containsExactly(LeaderClustering.cluster(vectorsOf(picked), 0.9));
            uncached += comparisonsWithoutCache(clusters);
        }

        assertThat(cached.comparisons()).isLessThanOrEqualTo(32 * 31 / 2).isLessThan(uncached / 4);
        long before = cached.comparisons();
        cached.cluster(casesOf(picked), vectorsOf(picked));
        assertThat(cached.comparisons()).isEqualTo(before);
    }

    /** The pairs the clustering without a cache compares for a result: each case against the leaders before it. */
    private static long comparisonsWithoutCache(int[] clusters) {
        long n = 0;
        int leaders = 0;
        for (int c : clusters) {
            // a new leader was compared with every leader so far; a member with the leaders up to its own
            n += c == leaders ? leaders : c + 1;
            leaders = Math.max(leaders, c + 1);
        }
        return n;
    }

    @Test
    void a_case_whose_vector_changed_is_compared_again() {
        LeaderClustering cached = new LeaderClustering(0.9);
        List<Integer> picked = List.of(0, 1, 2, 8, 9);
        assertThat(cached.cluster(casesOf(picked), vectorsOf(picked))).containsExactly(0, 0, 0, 1, 1);
        // case 0 now reads like case 8's family (the same id, a new embedding of an edited task)
        vectors.set(0, vectors.get(8).clone());

        assertThat(cached.cluster(casesOf(picked), vectorsOf(picked)))
                .containsExactly(LeaderClustering.cluster(vectorsOf(picked), 0.9))
                .containsExactly(0, 1, 1, 0, 0);
    }

    @Test
    void stays_exact_beyond_the_cases_and_pairs_it_keeps() {
        LeaderClustering cached = new LeaderClustering(0.9);
        // more cases than it keeps: the families are joined by loose cases that push the first ones out
        while (cases.size() < LeaderClustering.MAX_CASES + 200) {
            add(gaussian(1));
        }
        for (int shortlist = 0; shortlist < 60; shortlist++) {
            List<Integer> picked = pick(64);

            assertThat(cached.cluster(casesOf(picked), vectorsOf(picked)))
                    .containsExactly(LeaderClustering.cluster(vectorsOf(picked), 0.9));
        }
    }

    private void add(float[] vector) {
        cases.add(Case.of("t", "case " + cases.size(), "", "", 1, CaseSource.REAL));
        vectors.add(vector);
    }

    private List<Integer> pick(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            all.add(i);
        }
        Collections.shuffle(all, random);
        return new ArrayList<>(all.subList(0, n));
    }

    private List<Case> casesOf(List<Integer> picked) {
        return picked.stream().map(cases::get).toList();
    }

    private List<float[]> vectorsOf(List<Integer> picked) {
        return picked.stream().map(vectors::get).toList();
    }

    private float[] gaussian(double sd) {
        float[] v = new float[DIMENSION];
        for (int i = 0; i < DIMENSION; i++) {
            v[i] = (float) (sd * random.nextGaussian());
        }
        return v;
    }

    private static float[] plus(float[] a, float[] b) {
        float[] sum = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }
}
