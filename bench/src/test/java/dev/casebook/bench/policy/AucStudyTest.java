package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.CaseLabel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AucStudyTest {

    @Test
    void knn_rate_is_the_success_rate_of_the_nearest_other_queries() {
        Map<String, float[]> vectors = Map.of(
                "a", new float[] {1, 0}, "b", new float[] {0.9f, 0.1f}, "c", new float[] {0.8f, 0.2f},
                "d", new float[] {0, 1}, "q", new float[] {1, 0.05f}, "case", new float[] {1, 0});
        Map<String, Boolean> solved = new LinkedHashMap<>();
        solved.put("a", true);
        solved.put("b", true);
        solved.put("c", false);
        solved.put("d", false);
        List<SelectionPair> pairs = List.of(new SelectionPair("q", "case", CaseLabel.POSITIVE, true),
                new SelectionPair("a", "case", CaseLabel.NEGATIVE, true));

        assertThat(AucStudy.knn(pairs, solved, vectors, 2)).containsExactly(1.0, 0.5);
        assertThat(AucStudy.knn(pairs, solved, vectors, 3)[0]).isEqualTo(2.0 / 3);
    }
}
