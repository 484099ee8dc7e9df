package dev.casebook.memory.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.CaseStoreContractIT;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.VectorQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneCaseStoreIT extends CaseStoreContractIT {

    @TempDir
    Path directory;

    /**
     * Group commit without its timer (at 256 waiting writes, and on close): a scheduled commit refreshes the searcher
     * in the background, which would make the refresh counts below depend on timing. {@link LuceneGroupCommitIT}
     * and {@link LuceneSearchWithoutRefreshIT} cover the timed commits and their refreshes.
     */
    private static final CommitPolicy NO_TIMED_COMMIT = new CommitPolicy(Duration.ofHours(1), 256);

    @Override
    protected CaseStore openStore(int dimension) {
        return LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", dimension),
                LuceneCaseStore.DEFAULT_MIN_CANDIDATES, NO_TIMED_COMMIT);
    }

    @Override
    protected CaseStore reopen(int dimension) {
        return LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", dimension),
                LuceneCaseStore.DEFAULT_MIN_CANDIDATES, NO_TIMED_COMMIT);
    }

    @Test
    void records_the_embedding_model_and_dimension_in_the_commit_data() throws Exception {
        store.close();
        try (FSDirectory dir = FSDirectory.open(directory.resolve("cases"))) {
            assertThat(SegmentInfos.readLatestCommit(dir).getUserData()).containsAllEntriesOf(Map.of(
                    "casebook.embedding.model", "test-model",
                    "casebook.embedding.dimension", Integer.toString(DIM)));
        }
    }

    @Test
    void keeps_the_recorded_model_when_reopened_under_another_name_of_the_same_dimension() {
        store.close();
        store = LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("renamed-model", DIM));

        assertThat(((LuceneCaseStore) store).space()).isEqualTo(new EmbeddingSpace("test-model", DIM));
    }

    @Test
    void refuses_a_second_store_on_an_open_directory() {
        assertThatThrownBy(() -> LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("m", DIM)))
                .isInstanceOf(StoreException.class)
                .hasMessageEndingWith("cases is already open by another store (its write.lock is held)");
    }

    @Test
    void refuses_a_directory_that_holds_another_lucene_index() throws Exception {
        Path other = directory.resolve("other");
        try (FSDirectory dir = FSDirectory.open(other);
             var writer = new org.apache.lucene.index.IndexWriter(dir,
                     new org.apache.lucene.index.IndexWriterConfig())) {
            writer.commit();
        }

        assertThatThrownBy(() -> LuceneCaseStore.open(other, new EmbeddingSpace("m", DIM)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("holds a Lucene index that is not a case store");
    }

    @Test
    void adds_many_cases_with_one_commit_and_rejects_the_batch_when_an_id_exists() {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        Random random = new Random(1);
        Case a = caseAt(TENANT, 0, "a");
        Case b = caseAt(TENANT, 1, "b");
        lucene.addAll(List.of(a, b), List.of(randomVector(random), randomVector(random)));

        assertThatThrownBy(() -> lucene.addAll(List.of(caseAt(TENANT, 2, "c"), a),
                List.of(randomVector(random), randomVector(random))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("case " + a.id() + " already exists");
        Case c = caseAt(TENANT, 3, "c");
        assertThatThrownBy(() -> lucene.addAll(List.of(c, c), List.of(randomVector(random), randomVector(random))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("case " + c.id() + " appears twice in the batch");
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(2);
    }

    @Test
    void optimizing_keeps_every_case_searchable() {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        Random random = new Random(2);
        List<Case> added = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            float[] v = randomVector(random);
            added.add(store.add(caseAt(TENANT, i, "case " + i), v));
        }
        float[] last = randomVector(random);
        Case target = store.add(caseAt(TENANT, 9, "target"), last);

        lucene.optimize();

        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(6);
        assertThat(store.search(new dev.casebook.memory.VectorQuery(last, CaseFilter.tenant(TENANT), 1)))
                .extracting(hit -> hit.value()).containsExactly(target);
        assertThat(store.get(TENANT, added.get(2).id())).contains(added.get(2));
    }

    @Test
    void upgrades_a_directory_written_before_task_keys_banks_and_evidence_existed() throws Exception {
        store.close();
        Path old = directory.resolve("format-1");
        EmbeddingSpace space = new EmbeddingSpace("test-model", DIM);
        float[] vector = unit(1, 0, 0, 0, 0, 0, 0, 0);
        Case own = caseAt(TENANT, 0, "What is the capital of France?");
        Case other = caseAt(TENANT, 1, "What is the capital of Spain?");
        try (FSDirectory dir = FSDirectory.open(old);
             var writer = new org.apache.lucene.index.IndexWriter(dir, new org.apache.lucene.index.IndexWriterConfig())) {
            for (Case c : List.of(own, other)) {
                var doc = CaseDocument.of(c, c == own ? vector : unit(1, 1, 0, 0, 0, 0, 0, 0), List.of());
                doc.removeFields(CaseDocument.TASK_KEY); // the layout of format 1
                doc.removeFields(CaseDocument.BANK);
                doc.removeFields(CaseDocument.EVIDENCE);
                writer.addDocument(doc);
            }
            writer.setLiveCommitData(StoreMetadata.of(space, 1).entrySet());
            writer.commit();
        }

        store = LuceneCaseStore.open(old, space);

        CaseFilter guarded = CaseFilter.tenant(TENANT).withExcludedTasks(
                Set.of(dev.casebook.memory.TaskKey.of("what is the capital of france?")));
        assertThat(store.search(new dev.casebook.memory.VectorQuery(vector, guarded, 5)))
                .extracting(hit -> hit.value()).containsExactly(other);
        assertThat(store.get(TENANT, own.id())).contains(own);
        store.close();
        try (FSDirectory dir = FSDirectory.open(old)) {
            assertThat(SegmentInfos.readLatestCommit(dir).getUserData()).containsEntry("casebook.format", "3");
        }
        store = LuceneCaseStore.open(old, space);
        assertThat(store.count(guarded)).isEqualTo(1);
        // every case written before evidence was kept has one event from its state, and is of the default bank
        assertThat(store.history(TENANT, own.id())).containsExactly(dev.casebook.memory.Evidence.ofState(own));
        assertThat(store.count(CaseFilter.tenant(TENANT).withBanks(Set.of("default")))).isEqualTo(2);
    }

    // ---------------------------------------------------------------- look-ups by id without a searcher refresh

    @Test
    void credits_updates_and_look_ups_by_id_after_writes_see_them_without_refreshing_the_searcher() {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        float[] vector = randomVector(new Random(60));
        Case a = store.add(caseAt(TENANT, 0, "a"), vector);
        Case b = store.add(caseAt(TENANT, 1, "b"), randomVector(new Random(61)));
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(2); // a search refreshes: nothing waits now
        long refreshes = lucene.refreshes();

        store.recordUses(TENANT, List.of(a.id(), b.id()), true);         // an episode's credit
        store.recordUse(TENANT, a.id(), false);                           // a second write reads the first's version
        Case outcome = store.updateOutcome(TENANT, b.id(), "new plan", "new answer", 0.0, CaseLabel.NEGATIVE)
                .orElseThrow();
        Case relabelled = store.relabel(TENANT, a.id(), CaseLabel.NEGATIVE).orElseThrow();

        assertThat(store.get(TENANT, a.id())).contains(relabelled);
        assertThat(relabelled.uses()).isEqualTo(2);
        assertThat(relabelled.successes()).isEqualTo(1);
        assertThat(store.get(TENANT, b.id())).contains(outcome);
        assertThat(outcome.uses()).isEqualTo(1);
        assertThat(store.get(OTHER_TENANT, a.id())).isEmpty();
        assertThat(store.embedding(TENANT, a.id())).get().satisfies(v -> assertThat(v).containsExactly(vector));
        assertThat(store.history(TENANT, b.id())).hasSize(1);
        assertThat(lucene.refreshes()).as("searcher refreshes for writes and look-ups by id").isEqualTo(refreshes);
        assertThat(lucene.pending()).isEqualTo(2);

        assertThat(store.search(new VectorQuery(vector, CaseFilter.tenant(TENANT), 1)))
                .extracting(hit -> hit.value()).containsExactly(relabelled); // a vector search sees every write
        assertThat(lucene.refreshes()).isEqualTo(refreshes);                // through the kept versions
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(2);    // a count refreshes
        assertThat(lucene.refreshes()).isEqualTo(refreshes + 1);
        assertThat(lucene.pending()).isZero();
        assertThat(store.get(TENANT, a.id())).contains(relabelled);
    }

    @Test
    void a_case_deleted_is_gone_for_look_ups_by_id_before_any_refresh_and_its_id_can_be_added_again() {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        Case gone = store.add(caseAt(TENANT, 0, "gone"), randomVector(new Random(62)));
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);   // the searcher shows the case
        long refreshes = lucene.refreshes();

        assertThat(store.delete(TENANT, gone.id())).isTrue();

        assertThat(store.get(TENANT, gone.id())).isEmpty();
        assertThat(store.embedding(TENANT, gone.id())).isEmpty();
        assertThat(store.history(TENANT, gone.id())).isEmpty();
        assertThat(store.recordUse(TENANT, gone.id(), true)).isEmpty();
        assertThat(store.delete(TENANT, gone.id())).isFalse();
        assertThat(lucene.refreshes()).isEqualTo(refreshes);
        Case again = new Case(gone.id(), TENANT, "same id, new case", "", "", 0.5, CaseLabel.POSITIVE,
                gone.source(), "", 0, 0, gone.createdAt(), gone.updatedAt());
        store.add(again, randomVector(new Random(63)));
        assertThat(store.get(TENANT, gone.id())).contains(again);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
        assertThat(store.get(TENANT, gone.id())).contains(again);
    }

    /**
     * Deterministic: a write lands after a reader's refresh made its searcher current and before the refresh drops
     * the versions that searcher shows. The racing write's version must stay (a store that dropped every kept
     * version after a refresh, or those up to the count of writes after it, loses it for look-ups by id, and the
     * next update built on the stale searcher loses an increment).
     */
    @Test
    void a_write_that_lands_while_a_refresh_is_under_way_is_not_lost_for_look_ups_by_id_nor_for_the_next_update()
            throws Exception {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        Case raced = store.add(caseAt(TENANT, 0, "raced"), randomVector(new Random(64)));
        store.recordUse(TENANT, raced.id(), true);                           // waits for a refresh: 1 use
        ExecutorService other = Executors.newSingleThreadExecutor();
        AtomicInteger hooked = new AtomicInteger();
        try {
            lucene.afterRefresh(() -> {
                if (hooked.getAndIncrement() == 0) {
                    try { // the searcher just made current shows 1 use; another thread's write adds one now
                        other.submit(() -> store.recordUse(TENANT, raced.id(), false)).get(60, TimeUnit.SECONDS);
                    } catch (InterruptedException | ExecutionException | TimeoutException e) {
                        throw new AssertionError("the racing write failed", e);
                    }
                }
            });
            assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);  // the reader's refresh
        } finally {
            lucene.afterRefresh(() -> { });
            other.shutdownNow();
        }
        assertThat(hooked.get()).isEqualTo(1);
        long refreshes = lucene.refreshes();

        assertThat(store.get(TENANT, raced.id())).get().extracting(Case::uses).isEqualTo(2);
        Case next = store.recordUse(TENANT, raced.id(), true).orElseThrow();
        assertThat(next.uses()).isEqualTo(3);
        assertThat(next.successes()).isEqualTo(2);
        assertThat(lucene.refreshes()).isEqualTo(refreshes);
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);   // a refresh shows it all
        assertThat(lucene.pending()).isZero();
        assertThat(store.get(TENANT, raced.id())).contains(next);
    }

    @Test
    void cases_added_in_bulk_are_found_by_id_at_once_though_no_version_of_them_is_kept() {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        Random random = new Random(65);
        store.add(caseAt(TENANT, 0, "before"), randomVector(random));
        assertThat(store.count(CaseFilter.tenant(TENANT))).isEqualTo(1);
        Case b = caseAt(TENANT, 1, "b");
        Case c = caseAt(TENANT, 2, "c");

        lucene.addAll(List.of(b, c), List.of(randomVector(random), randomVector(random)));

        assertThat(lucene.pending()).isZero();
        assertThat(store.get(TENANT, b.id())).contains(b);
        assertThat(store.recordUse(TENANT, c.id(), true)).get().extracting(Case::uses).isEqualTo(1);
    }

    @Test
    void writes_with_no_read_between_them_keep_a_bounded_number_of_versions() {
        LuceneCaseStore lucene = (LuceneCaseStore) store;
        Random random = new Random(66);
        long refreshes = lucene.refreshes();
        List<Case> added = new ArrayList<>();
        for (int i = 0; i < LuceneWrites.MAX_PENDING + 10; i++) {
            added.add(store.add(caseAt(TENANT, i, "case " + i), randomVector(random)));
        }

        assertThat(lucene.pending()).isLessThan(LuceneWrites.MAX_PENDING);
        assertThat(lucene.refreshes()).isEqualTo(refreshes + 1);
        for (Case c : added) {
            assertThat(store.get(TENANT, c.id())).contains(c);
        }
    }

    @Test
    void a_closed_store_says_so() {
        store.close();

        assertThatThrownBy(() -> store.count(CaseFilter.tenant(TENANT)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("cases is closed");
    }
}
