package dev.casebook.memory.pgvector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HnswSearchTest {

    @Test
    void refuses_an_ef_search_outside_pgvector_bounds() {
        assertThatThrownBy(() -> new HnswSearch(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hnsw.ef_search must be within [1, 1000] (pgvector's bounds), was 0");
        assertThatThrownBy(() -> new HnswSearch(1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hnsw.ef_search must be within [1, 1000] (pgvector's bounds), was 1001");
        assertThat(new HnswSearch(1000).efSearch()).isEqualTo(1000);
    }

    @Test
    void a_search_for_more_cases_than_the_list_scans_a_list_of_its_k() {
        assertThat(HnswSearch.DEFAULT.candidates(10)).isEqualTo(200);
        assertThat(new HnswSearch(37).candidates(50)).isEqualTo(50);
    }
}
