package dev.casebook.memory.lucene;

import static dev.casebook.memory.CaseStoreContractIT.randomVector;
import static dev.casebook.memory.CaseStoreContractIT.unit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseEvidence;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.Rater;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.TaskKey;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.embedding.Vectors;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge's near-duplicate check answered by the search an episode's selection made with the same vector
 * ({@link RecentSearches}): no second kNN search, and the same case found (or none) as a search would find, including
 * cases written, changed or deleted between the selection and the merge.
 */
class LuceneNearDuplicateFromSearchIT {
    private static final int DIM = 8;
    private static final String TENANT = "acme";
    private static final Instant BASE = Instant.parse("2026-01-02T03:04:05.678Z");
    private static final double THRESHOLD = 0.99;
    /** What an episode's merge looks among: the tenant's real cases of the default bank. */
    private static final CaseFilter MERGE = CaseFilter.tenant(TENANT).withSources(Set.of(CaseSource.REAL))
            .withBanks(Set.of(Case.DEFAULT_BANK));
    /** What a selection searches: all sources of the tenant's default bank. */
    private static final CaseFilter SELECTION = CaseFilter.tenant(TENANT).withBanks(Set.of(Case.DEFAULT_BANK));

    @TempDir
    Path directory;
    private LuceneCaseStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private LuceneCaseStore open() {
        store = LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", DIM),
                LuceneCaseStore.DEFAULT_MIN_CANDIDATES, new CommitPolicy(Duration.ofHours(1), 256));
        return store;
    }

    private void seed(Random random, int n) {
        for (int i = 0; i < n; i++) {
            store.add(caseAt(i, "seed " + i), randomVector(random));
        }
    }

    @Test
    void a_merge_after_a_search_with_its_vector_runs_no_second_knn_search() {
        open();
        Random random = new Random(1);
        seed(random, 20);
        float[] state = randomVector(random);
        List<ScoredCase> selected = store.search(new VectorQuery(state, SELECTION, 32));
        assertThat(selected).hasSize(20);
        long searches = store.knnSearches();

        CaseStore.Merged merged = store.merge(merge(caseAt(30, "new task"), state, MERGE));

        assertThat(merged.existed()).isFalse();
        assertThat(store.knnSearches()).as("kNN searches run by the merge").isEqualTo(searches);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(21);
    }

    @Test
    void a_near_duplicate_written_after_the_search_is_merged_into() {
        open();
        seed(new Random(2), 10);
        float[] state = unit(1, 2, 3, 4, 5, 6, 7, 8);
        store.search(new VectorQuery(state, SELECTION, 32));
        Case twin = store.add(caseAt(20, "what is 17*23?"), unit(1, 2, 3, 4, 5, 6, 7, 8.1f));
        long searches = store.knnSearches();

        CaseStore.Merged merged = store.merge(merge(caseAt(21, "What is 17*23?"), state, MERGE));

        assertThat(merged.existed()).isTrue();
        assertThat(merged.value().id()).isEqualTo(twin.id());
        assertThat(store.knnSearches()).isEqualTo(searches);
        assertThat(store.history(TENANT, twin.id())).hasSize(2);
    }

    @Test
    void a_near_duplicate_deleted_or_moved_out_of_the_filter_after_the_search_is_not_merged_into() {
        open();
        float[] state = unit(1, 2, 3, 4, 5, 6, 7, 8);
        Case deleted = store.add(caseAt(0, "deleted"), unit(1, 2, 3, 4, 5, 6, 7, 8.1f));
        Case elsewhere = store.add(caseAt(1, "moved"), unit(1, 2, 3, 4, 5, 6, 7.1f, 8));
        assertThat(store.search(new VectorQuery(state, SELECTION, 32))).hasSize(2);
        store.delete(TENANT, deleted.id());
        store.relabel(TENANT, elsewhere.id(), CaseLabel.NEGATIVE);
        long searches = store.knnSearches();

        CaseStore.Merged merged = store.merge(merge(caseAt(2, "new"), state, MERGE.withLabels(
                Set.of(CaseLabel.POSITIVE))));

        assertThat(merged.existed()).isFalse();
        assertThat(store.knnSearches()).isEqualTo(searches);
    }

    @Test
    void a_near_duplicate_seen_by_the_search_is_merged_into() {
        open();
        float[] state = unit(1, 2, 3, 4, 5, 6, 7, 8);
        Case twin = store.add(caseAt(0, "twin"), unit(1, 2, 3, 4, 5, 6, 7, 8.1f));
        store.add(caseAt(1, "far"), unit(8, 7, 6, 5, 4, 3, 2, 1));
        store.search(new VectorQuery(state, SELECTION, 32));
        long searches = store.knnSearches();

        CaseStore.Merged merged = store.merge(merge(caseAt(2, "twin again"), state, MERGE));

        assertThat(merged.existed()).isTrue();
        assertThat(merged.value().id()).isEqualTo(twin.id());
        assertThat(store.knnSearches()).isEqualTo(searches);
    }

    @Test
    void a_search_that_may_miss_what_the_merge_looks_for_is_not_used() {
        open();
        float[] state = unit(1, 2, 3, 4, 5, 6, 7, 8);
        Case twin = store.add(caseAt(0, "twin"), unit(1, 2, 3, 4, 5, 6, 7, 8.1f));
        store.add(caseAt(1, "near"), unit(1, 2, 3, 4, 5, 6, 7.1f, 8.1f));

        // excludes the twin's task: its filter does not cover the merge's
        store.search(new VectorQuery(state, SELECTION.withExcludedTasks(Set.of(TaskKey.of("twin"))), 32));
        long searches = store.knnSearches();
        CaseStore.Merged merged = store.merge(merge(caseAt(2, "a"), state, MERGE));
        assertThat(merged.value().id()).isEqualTo(twin.id());
        assertThat(store.knnSearches()).isEqualTo(searches + 1);

        // one hit asked for, and it is above the threshold: another case above it may have been left out
        store.search(new VectorQuery(state, SELECTION, 1));
        searches = store.knnSearches();
        merged = store.merge(merge(caseAt(3, "b"), state, MERGE));
        assertThat(merged.value().id()).isEqualTo(twin.id());
        assertThat(store.knnSearches()).isEqualTo(searches + 1);
    }

    @Test
    void episodes_find_the_same_near_duplicates_as_an_exact_search_would() {
        open();
        Random random = new Random(7);
        List<float[]> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(randomVector(random));
        }
        for (int episode = 0; episode < 120; episode++) {
            float[] state = near(tasks.get(random.nextInt(tasks.size())), random);
            List<ScoredCase> hits = store.search(new VectorQuery(state, SELECTION, 8));
            // what other episodes do between a selection and its merge: new cases, credits, deletions
            if (random.nextBoolean()) {
                store.add(caseAt(1000 + episode, "between " + episode), near(tasks.get(random.nextInt(12)), random));
            }
            if (!hits.isEmpty()) {
                store.recordUses(TENANT, hits.stream().map(h -> h.value().id()).limit(4).toList(), true);
                if (random.nextInt(10) == 0) {
                    store.delete(TENANT, hits.getFirst().value().id());
                }
            }
            UUID expected = exactNearest(state);
            CaseStore.Merged merged = store.merge(merge(caseAt(episode, "episode " + episode), state, MERGE));
            if (expected == null) {
                assertThat(merged.existed()).as("episode %d", episode).isFalse();
            } else {
                assertThat(merged.value().id()).as("episode %d", episode).isEqualTo(expected);
            }
        }
    }

    /** The best case the merge's filter admits at or above the threshold, by scanning them all. */
    private UUID exactNearest(float[] state) {
        UUID best = null;
        double bestScore = THRESHOLD;
        for (Case c : store.list(MERGE, 0, 10_000).items()) {
            double score = Vectors.cosine(state, store.embedding(TENANT, c.id()).orElseThrow());
            if (score >= bestScore) {
                best = c.id();
                bestScore = score;
            }
        }
        return best;
    }

    private static float[] near(float[] v, Random random) {
        float[] out = v.clone();
        out[random.nextInt(out.length)] += (float) (random.nextGaussian() * 0.02);
        return out;
    }

    private static CaseStore.Merge merge(Case fresh, float[] v, CaseFilter candidates) {
        Evidence e = new Evidence("episode of " + fresh.id(), EvidenceSource.REAL, 1.0, Rater.SCORER, "plan",
                "answer", BASE.plusSeconds(10));
        return new CaseStore.Merge(fresh, v, e, candidates, THRESHOLD, CaseEvidence::derive);
    }

    private static Case caseAt(int second, String task) {
        Instant created = BASE.plusSeconds(second);
        return new Case(UUID.randomUUID(), TENANT, task, "plan for " + task, "answer " + second, 1.0,
                CaseLabel.POSITIVE, CaseSource.REAL, "", 0, 0, created, created);
    }
}
