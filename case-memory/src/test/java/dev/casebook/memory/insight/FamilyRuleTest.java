package dev.casebook.memory.insight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.MemoryWriter;
import dev.casebook.memory.Rater;
import dev.casebook.memory.embedding.Embedder;
import dev.casebook.memory.lucene.LuceneCaseStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rated case's family over a real Lucene store: who is a member, in which order, and when it is too small. */
class FamilyRuleTest {
    static final int DIM = 8;

    /** Each task text is embedded as the vector it was written with. */
    final Map<String, float[]> vectors = new HashMap<>();
    final Embedder embedder = new Embedder() {
        @Override
        public String modelId() {
            return "hand-made";
        }

        @Override
        public int dimension() {
            return DIM;
        }

        @Override
        public float[] embed(String text) {
            return vectors.get(text).clone();
        }

        @Override
        public List<float[]> embedAll(List<String> texts) {
            return texts.stream().map(this::embed).toList();
        }
    };

    @TempDir
    Path dir;

    LuceneCaseStore store;
    MemoryWriter writer;

    @BeforeEach
    void open() {
        store = LuceneCaseStore.open(dir, new EmbeddingSpace("hand-made", DIM));
        writer = new MemoryWriter(store, 0.99, MemoryWriter.Banks.ALL_WRITABLE);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A unit vector with cosine {@code cosine} to axis 0, the rest along axis {@code aside}. */
    static float[] near(double cosine, int aside) {
        float[] v = new float[DIM];
        v[0] = (float) cosine;
        v[aside] = (float) Math.sqrt(1 - cosine * cosine);
        return v;
    }

    UUID write(String tenant, String task, float[] vector, Rater rater, CaseSource source, String bank) {
        vectors.put(task, vector);
        return writer.remember(new MemoryWriter.Episode("episode " + task, tenant, task, vector, "a plan", "an answer",
                1, rater, source, "", bank, List.of())).value().id();
    }

    UUID write(String task, float[] vector) {
        return write("acme", task, vector, Rater.SCORER, CaseSource.REAL, null);
    }

    List<String> members(FamilyRule.Family family) {
        return family.members().stream().map(m -> m.value().task()).toList();
    }

    @Test
    void the_family_is_the_rated_real_cases_of_the_tenant_and_bank_within_the_similarity_the_case_first() {
        UUID rated = write("rated", near(1, 1));
        write("near", near(0.95, 2));
        write("nearer", near(0.98, 3));
        write("too far", near(0.79, 4));
        write("acme", "unrated", near(0.97, 5), Rater.UNRATED, CaseSource.REAL, null);
        write("acme", "synthetic", near(0.97, 6), Rater.SCORER, CaseSource.SYNTHETIC, null);
        write("acme", "other bank", near(0.97, 7), Rater.SCORER, CaseSource.REAL, "other");
        write("other tenant", "other tenant", near(0.97, 7), Rater.SCORER, CaseSource.REAL, null);

        FamilyRule.Family family = FamilyRule.DEFAULT.familyOf(store, embedder, "acme", rated);

        assertThat(family.rated().id()).isEqualTo(rated);
        assertThat(members(family)).containsExactly("rated", "nearer", "near");
        assertThat(family.members().get(2).vector()).containsExactly(near(0.95, 2));
        assertThat(family.distillable()).isTrue();
    }

    @Test
    void a_family_smaller_than_the_minimum_has_no_members() {
        UUID rated = write("rated", near(1, 1));
        write("near", near(0.95, 2));
        write("acme", "unrated", near(0.97, 5), Rater.UNRATED, CaseSource.REAL, null);

        assertThat(FamilyRule.DEFAULT.familyOf(store, embedder, "acme", rated).distillable()).isFalse();
        assertThat(members(new FamilyRule(0.8, 2).familyOf(store, embedder, "acme", rated)))
                .containsExactly("rated", "near");
        assertThat(members(new FamilyRule(0.96, 1).familyOf(store, embedder, "acme", rated)))
                .containsExactly("rated");
        assertThat(FamilyRule.DEFAULT.familyOf(store, embedder, "acme", UUID.randomUUID()).rated()).isNull();
    }

    @Test
    void the_previous_insight_is_the_tenant_s_nearest_of_the_bank_within_the_similarity() {
        assertThat(FamilyRule.DEFAULT.previousInsight("acme", "default", near(1, 1)))
                .usingRecursiveComparison()
                .isEqualTo(new InsightQuery("acme", Set.of("default"), near(1, 1), 1, 0.8));
    }

    @Test
    void rejects_a_similarity_outside_minus_one_to_one_and_a_minimum_below_one() {
        assertThatThrownBy(() -> new FamilyRule(1.5, 3))
                .hasMessage("a family's similarity must be within [-1, 1], was 1.5");
        assertThatThrownBy(() -> new FamilyRule(0.8, 0))
                .hasMessage("a family's minimum size must be positive, was 0");
    }
}
