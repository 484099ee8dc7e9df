package dev.casebook.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.VectorQuery;
import dev.casebook.memory.lucene.VectorFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retrieval benchmark's Lucene store on a real directory. */
class LuceneRetrievalStoreIT {

    @TempDir
    Path dir;

    @Test
    void after_prepare_searches_run_on_the_merged_index_with_no_refresh_left_to_do() throws Exception {
        List<float[]> vectors = vectors();
        List<Case> cases = cases(vectors);
        try (LuceneRetrievalStore store = new LuceneRetrievalStore(32, RetrievalStore.Location.scratch(dir), 200,
                VectorFormat.INT7)) {
            for (int from = 0; from < cases.size(); from += 500) {
                store.load(cases.subList(from, from + 500), vectors.subList(from, from + 500));
            }
            store.prepare();
            long refreshed = store.refreshes();
            store.search(new VectorQuery(vectors.getFirst(), CaseFilter.tenant("bench"), 10));
            store.retriever().count(CaseFilter.tenant("bench")); // refreshes if the merge is not visible yet

            assertThat(store.refreshes()).as("searcher reopens after prepare()").isEqualTo(refreshed);
        }
    }

    @Test
    void disk_per_case_right_after_the_merge_is_what_a_later_run_on_the_kept_index_reports() throws Exception {
        List<float[]> vectors = vectors();
        List<Case> cases = cases(vectors);
        RetrievalStore.Location location = new RetrievalStore.Location(dir, "unused", false);
        RetrievalStore.Footprint afterMerge;
        try (LuceneRetrievalStore store = new LuceneRetrievalStore(32, location, 200, VectorFormat.INT7)) {
            for (int from = 0; from < cases.size(); from += 500) { // six segments, merged to one by prepare()
                store.load(cases.subList(from, from + 500), vectors.subList(from, from + 500));
            }
            store.prepare();
            afterMerge = store.footprint();
        }
        try (LuceneRetrievalStore kept = new LuceneRetrievalStore(32, new RetrievalStore.Location(dir, "unused", true),
                200, VectorFormat.INT7)) {
            assertThat(afterMerge).isEqualTo(kept.footprint());
        }
    }

    private static List<float[]> vectors() {
        Random random = new Random(3);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            float[] v = new float[32];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            vectors.add(v);
        }
        return vectors;
    }

    private static List<Case> cases(List<float[]> vectors) {
        return Corpus.build(3_000, 1, Collections.nCopies(3_000, "a case"), vectors, new Random(1))
                .cases();
    }
}
