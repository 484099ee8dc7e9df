package dev.casebook.memory.lucene;

import static dev.casebook.memory.CaseStoreContractIT.randomVector;
import static dev.casebook.memory.CaseStoreContractIT.unit;
import static dev.casebook.testkit.Eventually.eventually;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vector searches (a task's selection, a merge's near-duplicate search) run on the current searcher plus an exact
 * scan of the writer's unrefreshed versions ({@link PendingOverlay}), so an episode makes no searcher refresh; the
 * refresh comes with the group commit. The refresh counts are exact because these stores commit (and so refresh in
 * the background) only when a test says so, except where a test sets a short commit interval on purpose.
 */
class LuceneSearchWithoutRefreshIT {
    private static final int DIM = 8;
    private static final String TENANT = "acme";
    private static final Instant BASE = Instant.parse("2026-01-02T03:04:05.678Z");
    /** Commits only at 256 waiting writes or on close: no background refresh while a test counts refreshes. */
    private static final CommitPolicy NO_BACKGROUND_COMMIT = new CommitPolicy(Duration.ofHours(1), 256);

    @TempDir
    Path directory;
    private LuceneCaseStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private LuceneCaseStore open(CommitPolicy commits) {
        store = LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", DIM),
                LuceneCaseStore.DEFAULT_MIN_CANDIDATES, commits);
        return store;
    }

    @Test
    void episodes_of_selection_merge_and_credit_make_no_searcher_refresh() {
        open(NO_BACKGROUND_COMMIT);
        Random random = new Random(70);
        for (int i = 0; i < 5; i++) {
            store.add(caseAt(i, "seed " + i), randomVector(random));
        }
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(5); // the seeds are in the searcher
        long refreshes = store.refreshes();

        List<Case> written = new ArrayList<>();
        for (int episode = 0; episode < 3; episode++) {
            float[] state = randomVector(random);
            List<UUID> selected = store.search(new VectorQuery(state, CaseFilter.tenant(TENANT), 4)).stream()
                    .map(hit -> hit.value().id()).toList();
            assertThat(selected).hasSize(4);
            CaseStore.Merged merged = store.merge(merge(caseAt(10 + episode, "task " + episode), state,
                    CaseFilter.tenant(TENANT)));
            assertThat(merged.existed()).isFalse();
            written.add(merged.value());
            store.recordUses(TENANT, selected, true);
        }

        assertThat(store.refreshes()).as("searcher refreshes in three episodes").isEqualTo(refreshes);
        for (Case c : written) {
            assertThat(store.search(new VectorQuery(store.embedding(TENANT, c.id()).orElseThrow(),
                    CaseFilter.tenant(TENANT), 1))).extracting(hit -> hit.value().id()).containsExactly(c.id());
        }
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(8);
        assertThat(store.refreshes()).isEqualTo(refreshes + 1);
        assertThat(store.pending()).isZero();
    }

    @Test
    void a_near_duplicate_written_but_not_refreshed_is_merged_into_not_duplicated() {
        open(NO_BACKGROUND_COMMIT);
        float[] v = unit(1, 2, 3, 4, 5, 6, 7, 8);
        long refreshes = store.refreshes();

        CaseStore.Merged first = store.merge(merge(caseAt(1, "What is 17*23?"), v, CaseFilter.tenant(TENANT)));
        CaseStore.Merged second = store.merge(merge(caseAt(2, "what is 17*23?"), unit(1, 2, 3, 4, 5, 6, 7, 8.1f),
                CaseFilter.tenant(TENANT)));

        assertThat(first.existed()).isFalse();
        assertThat(second.existed()).isTrue();
        assertThat(second.value().id()).isEqualTo(first.value().id());
        assertThat(store.refreshes()).isEqualTo(refreshes);
        assertThat(store.history(TENANT, first.value().id())).hasSize(2);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
    }

    @Test
    void a_case_deleted_but_not_refreshed_is_not_returned_by_a_search_and_a_merge_does_not_absorb_into_it() {
        open(NO_BACKGROUND_COMMIT);
        float[] v = unit(1, 2, 3, 4, 5, 6, 7, 8);
        Case gone = store.add(caseAt(0, "gone"), v);
        Case kept = store.add(caseAt(1, "kept"), unit(8, 7, 6, 5, 4, 3, 2, 1));
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(2);  // the searcher shows both
        long refreshes = store.refreshes();

        assertThat(store.delete(TENANT, gone.id())).isTrue();

        assertThat(store.search(new VectorQuery(v, CaseFilter.tenant(TENANT), 2)))
                .extracting(hit -> hit.value().id()).containsExactly(kept.id());
        CaseStore.Merged merged = store.merge(merge(caseAt(2, "gone"), v, CaseFilter.tenant(TENANT)));
        assertThat(merged.existed()).isFalse();
        assertThat(store.refreshes()).isEqualTo(refreshes);
    }

    @Test
    void an_unrefreshed_version_shadows_the_searcher_s_document_of_its_case() {
        open(NO_BACKGROUND_COMMIT);
        float[] v = unit(1, 2, 3, 4, 5, 6, 7, 8);
        Case c = store.add(caseAt(0, "relabelled"), v);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
        long refreshes = store.refreshes();

        Case negative = store.relabel(TENANT, c.id(), CaseLabel.NEGATIVE).orElseThrow();
        Case used = store.recordUse(TENANT, c.id(), true).orElseThrow();

        CaseFilter tenant = CaseFilter.tenant(TENANT);
        assertThat(store.search(new VectorQuery(v, tenant.withLabels(Set.of(CaseLabel.POSITIVE)), 5))).isEmpty();
        assertThat(store.search(new VectorQuery(v, tenant.withLabels(Set.of(CaseLabel.NEGATIVE)), 5)))
                .extracting(ScoredCase::value).containsExactly(used);
        assertThat(store.search(new VectorQuery(v, tenant, 5))).singleElement().satisfies(hit -> {
            assertThat(hit.value()).isEqualTo(used);
            assertThat(hit.score()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
        });
        assertThat(used.label()).isEqualTo(negative.label());
        assertThat(store.refreshes()).isEqualTo(refreshes);
    }

    @Test
    void shadowed_hits_among_the_first_k_do_not_cost_results() {
        open(NO_BACKGROUND_COMMIT);
        Random random = new Random(71);
        float[] query = unit(1, 1, 1, 1, 1, 1, 1, 1);
        List<Case> near = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            float[] v = query.clone();
            v[i] += 0.01f * (i + 1);
            near.add(store.add(caseAt(i, "near " + i), v));
        }
        List<Case> far = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            far.add(store.add(caseAt(10 + i, "far " + i), randomVector(random)));
        }
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(7);
        for (Case c : near) {
            store.relabel(TENANT, c.id(), CaseLabel.NEGATIVE); // the searcher's 3 best hits are now shadowed
        }

        List<ScoredCase> positives = store.search(new VectorQuery(query,
                CaseFilter.tenant(TENANT).withLabels(Set.of(CaseLabel.POSITIVE)), 3));

        assertThat(positives).hasSize(3).extracting(hit -> hit.value().id())
                .isSubsetOf(far.stream().map(Case::id).toList());
    }

    @Test
    void tenant_bank_source_origin_and_task_filters_hold_for_unrefreshed_versions() {
        open(NO_BACKGROUND_COMMIT);
        float[] v = unit(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isZero();
        long refreshes = store.refreshes();
        Case mine = store.add(caseAt(0, "mine"), v);
        store.add(new Case(UUID.randomUUID(), "globex", "theirs", "p", "a", 1.0, CaseLabel.POSITIVE,
                CaseSource.REAL, "", 0, 0, BASE, BASE), v);
        store.add(caseAt(1, "other bank").withBank("agentfly"), v);
        store.add(caseAt(2, "excluded origin").withOrigin("deepresearcher:test:1"), v);
        store.add(caseAt(3, "excluded task"), v);
        store.add(new Case(UUID.randomUUID(), TENANT, "a dream", "p", "a", 1.0, CaseLabel.POSITIVE,
                CaseSource.SYNTHETIC, "", 0, 0, BASE, BASE), v);

        CaseFilter filter = CaseFilter.tenant(TENANT).withBanks(Set.of(Case.DEFAULT_BANK))
                .withSources(Set.of(CaseSource.REAL)).withExcludedOrigins(Set.of("deepresearcher:test:1"))
                .withExcludedTasks(Set.of(TaskKey.of("excluded task")));

        assertThat(store.search(new VectorQuery(v, filter, 10))).extracting(ScoredCase::value).containsExactly(mine);
        assertThat(store.search(new VectorQuery(v, CaseFilter.tenant("globex"), 10)))
                .extracting(hit -> hit.value().task()).containsExactly("theirs");
        assertThat(store.refreshes()).isEqualTo(refreshes);
    }

    @Test
    void more_unrefreshed_versions_than_the_overlay_takes_make_a_search_refresh() {
        open(NO_BACKGROUND_COMMIT);
        Random random = new Random(72);
        long refreshes = store.refreshes();
        for (int i = 0; i <= LuceneSearches.OVERLAY_LIMIT; i++) {
            store.add(caseAt(i, "case " + i), randomVector(random));
        }

        assertThat(store.search(new VectorQuery(randomVector(random), CaseFilter.tenant(TENANT), 3))).hasSize(3);
        assertThat(store.refreshes()).isEqualTo(refreshes + 1);
        assertThat(store.pending()).isZero();
    }

    @Test
    void a_group_commit_refreshes_the_searcher_and_drops_the_kept_versions() throws Exception {
        open(new CommitPolicy(Duration.ofMillis(20), 256));
        long refreshes = store.refreshes();
        Case c = store.add(caseAt(0, "committed"), randomVector(new Random(73)));

        eventually("no write pending", store::pending, n -> n == 0);

        assertThat(store.refreshes()).isGreaterThan(refreshes);
        assertThat(store.get(TENANT, c.id())).contains(c);
    }

    /**
     * Writers each add cases and at once search for each case's own vector while group commits refresh the searcher
     * in the background every few milliseconds: every search finds the case its thread just wrote (read-your-write
     * across the snapshot of the kept versions, the refresh's swap and its drop).
     */
    @Test
    void every_search_sees_its_own_thread_s_last_write_while_group_commits_refresh_in_the_background()
            throws Exception {
        open(new CommitPolicy(Duration.ofMillis(2), 256));
        int writers = 4;
        int each = 60;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    Random random = new Random(100 + writer);
                    for (int i = 0; i < each; i++) {
                        float[] v = randomVector(random);
                        Case c = store.add(caseAt(writer * 1000 + i, "writer " + writer + " case " + i), v);
                        List<ScoredCase> hits = store.search(new VectorQuery(v, CaseFilter.tenant(TENANT), 1));
                        assertThat(hits).extracting(hit -> hit.value().id()).as("search after write %d of %d", i,
                                writer).containsExactly(c.id());
                        Case used = store.recordUse(TENANT, c.id(), true).orElseThrow();
                        assertThat(store.search(new VectorQuery(v, CaseFilter.tenant(TENANT), 1)))
                                .extracting(ScoredCase::value).containsExactly(used);
                    }
                    return each;
                }));
            }
            for (Future<Integer> f : done) {
                assertThat(f.get()).isEqualTo(each);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo((long) writers * each);
    }

    /**
     * Look-ups by id that miss the kept versions read only some stored fields (the case alone for {@code get}, no
     * vector for {@code history}), and a credit or relabel writes the evidence JSON back as read, unparsed: what they
     * read, and what the next look-ups read after them, is the case as stored, field for field.
     */
    @Test
    void look_ups_and_rewrites_of_a_case_read_from_the_searcher_keep_every_stored_field() {
        open(NO_BACKGROUND_COMMIT);
        float[] v = unit(3, 1, 4, 1, 5, 9, 2, 6);
        Case c = new Case(UUID.randomUUID(), TENANT, "task with \"quotes\", ünïcödé and\nlines",
                "plan: {\"json\": [1, 2]}\n\ttabbed", "answer \\ backslash", 0.25, CaseLabel.NEGATIVE,
                CaseSource.SANDBOX, "origin-7", 3, 1, BASE, BASE.plusSeconds(5), "bank-b").withConfirmed(true);
        List<Evidence> evidence = List.of(
                new Evidence("episode \"one\"", EvidenceSource.SANDBOX, 0.25, Rater.VALIDATOR, "plan\none",
                        "answer ✓", BASE.plusNanos(123_456_789)),
                new Evidence("", EvidenceSource.SANDBOX, 0.0, Rater.UNRATED, "", "", BASE.plusSeconds(5)));
        store.add(c, v, evidence);
        refreshAndDropKeptVersions();

        assertThat(store.get(TENANT, c.id())).contains(c);
        assertThat(store.history(TENANT, c.id())).isEqualTo(evidence);
        assertThat(store.embedding(TENANT, c.id())).hasValueSatisfying(e -> assertThat(e).containsExactly(v));
        assertThat(store.get("other", c.id())).isEmpty();
        assertThat(store.history("other", c.id())).isEmpty();

        List<Case> credited = store.adjustCounts(TENANT, List.of(c.id(), c.id()), 1, 1);
        refreshAndDropKeptVersions();
        Case relabelled = store.relabel(TENANT, c.id(), CaseLabel.POSITIVE).orElseThrow();
        refreshAndDropKeptVersions();

        assertThat(credited).singleElement().satisfies(x -> {
            assertThat(x.uses()).isEqualTo(5);
            assertThat(x.successes()).isEqualTo(3);
        });
        assertThat(relabelled).isEqualTo(credited.getFirst().withLabel(CaseLabel.POSITIVE)
                .withUpdatedAt(relabelled.updatedAt()));
        assertThat(store.get(TENANT, c.id())).contains(relabelled);
        assertThat(store.history(TENANT, c.id())).isEqualTo(evidence);
        assertThat(store.embedding(TENANT, c.id())).hasValueSatisfying(e -> assertThat(e).containsExactly(v));

        Evidence late = new Evidence("episode \"one\"", EvidenceSource.SANDBOX, 1.0, Rater.FEEDBACK, "plan\none",
                "answer ✓", BASE.plusSeconds(60));
        store.addEvidence(TENANT, c.id(), late, CaseEvidence::derive);
        refreshAndDropKeptVersions();
        assertThat(store.history(TENANT, c.id())).containsExactly(evidence.get(0), evidence.get(1), late);
        assertThat(store.get(TENANT, c.id())).hasValueSatisfying(x -> {
            assertThat(x.reward()).isEqualTo(1.0);
            assertThat(x.uses()).isEqualTo(5);
            assertThat(x.confirmed()).isTrue();
            assertThat(x.bank()).isEqualTo("bank-b");
        });
    }

    /** A count refreshes the searcher; then no version is kept, so look-ups by id read the searcher's documents. */
    private void refreshAndDropKeptVersions() {
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
        assertThat(store.pending()).isZero();
    }

    private static CaseStore.Merge merge(Case fresh, float[] v, CaseFilter candidates) {
        Evidence e = new Evidence("episode of " + fresh.id(), EvidenceSource.REAL, 1.0, Rater.SCORER, "plan",
                "answer", BASE.plusSeconds(10));
        return new CaseStore.Merge(fresh, v, e, candidates, 0.99, CaseEvidence::derive);
    }

    private static Case caseAt(int second, String task) {
        Instant created = BASE.plusSeconds(second);
        return new Case(UUID.randomUUID(), TENANT, task, "plan for " + task, "answer " + second, 1.0,
                CaseLabel.POSITIVE, CaseSource.REAL, "", 0, 0, created, created);
    }
}
