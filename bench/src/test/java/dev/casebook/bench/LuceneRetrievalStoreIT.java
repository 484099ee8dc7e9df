package dev.casebook.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.Case;
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
    void disk_per_case_right_after_the_merge_is_what_a_later_run_on_the_kept_index_reports() throws Exception {
        Random random = new Random(3);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            float[] v = new float[32];
            for (int d = 0; d < v.length; d++) {
                v[d] = (float) random.nextGaussian();
            }
            vectors.add(v);
        }
        List<Case> cases = RetrievalBench.Corpus.build(3_000, 1, Collections.nCopies(3_000, "a case"), vectors,
                new Random(1)).cases();
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
}
