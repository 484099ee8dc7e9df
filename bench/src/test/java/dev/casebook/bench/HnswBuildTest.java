package dev.casebook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench retrieval}'s pgvector build and search arguments, refused before anything is built. */
class HnswBuildTest {

    @Test
    void the_migration_parameters_are_the_default_and_keep_the_plain_store_name() {
        HnswBuild build = HnswBuild.of(BenchArgs.parse(new String[0]));

        assertThat(build).isEqualTo(new HnswBuild(16, 64));
        assertThat(build.keptName("pgvector")).isEqualTo("pgvector");
        assertThat(build.with()).isEqualTo(" WITH (m = 16, ef_construction = 64)");
    }

    @Test
    void other_parameters_are_filed_under_a_name_of_their_own() {
        HnswBuild build = HnswBuild.of(BenchArgs.parse(new String[] {"--pg-m=24", "--pg-ef-construction=128"}));

        assertThat(build.keptName("pgvector")).isEqualTo("pgvector-m24-efc128");
        assertThat(build.label()).isEqualTo("m=24,efc=128");
        assertThat(build.with()).isEqualTo(" WITH (m = 24, ef_construction = 128)");
    }

    @Test
    void refuses_parameters_pgvector_would_refuse() {
        assertThatThrownBy(() -> new HnswBuild(1, 64)).hasMessage(
                "--pg-m must be within [2, 100] (pgvector's bounds), was 1");
        assertThatThrownBy(() -> new HnswBuild(16, 1001)).hasMessage(
                "--pg-ef-construction must be within [4, 1000] (pgvector's bounds), was 1001");
        assertThatThrownBy(() -> new HnswBuild(16, 24)).hasMessage(
                "--pg-ef-construction must be at least twice --pg-m (pgvector), was 24 with m 16");
    }

    @Test
    void the_benchmark_refuses_a_bad_ef_search_or_build_before_it_builds_anything() {
        List<float[]> vectors = List.of(new float[] {1, 0}, new float[] {0, 1});
        assertThatThrownBy(() -> RetrievalBench.run(BenchArgs.parse(new String[] {"--stores=pgvector",
                "--ef-search=200,0"}), vectors, List.of("a"), vectors.subList(1, 2)))
                .hasMessage("hnsw.ef_search must be within [1, 1000] (pgvector's bounds), was 0");
        assertThatThrownBy(() -> RetrievalBench.run(BenchArgs.parse(new String[] {"--stores=pgvector",
                "--pg-m=200"}), vectors, List.of("a"), vectors.subList(1, 2)))
                .hasMessage("--pg-m must be within [2, 100] (pgvector's bounds), was 200");
    }
}
