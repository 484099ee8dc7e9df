package dev.casebook.memory.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseStore;
import dev.casebook.memory.CaseStoreContractIT;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneCaseStoreIT extends CaseStoreContractIT {

    @TempDir
    Path directory;

    @Override
    protected CaseStore openStore(int dimension) {
        return LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", dimension));
    }

    @Override
    protected CaseStore reopen(int dimension) {
        return LuceneCaseStore.open(directory.resolve("cases"), new EmbeddingSpace("test-model", dimension));
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
        List<Case> added = new java.util.ArrayList<>();
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
                java.util.Set.of(dev.casebook.memory.TaskKey.of("what is the capital of france?")));
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
        assertThat(store.count(CaseFilter.tenant(TENANT).withBanks(java.util.Set.of("default")))).isEqualTo(2);
    }

    @Test
    void a_closed_store_says_so() {
        store.close();

        assertThatThrownBy(() -> store.count(CaseFilter.tenant(TENANT)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("cases is closed");
    }
}
