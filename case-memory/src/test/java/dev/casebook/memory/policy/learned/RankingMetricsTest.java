package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

    @Test
    void auc_is_one_for_a_perfect_ranking_and_half_for_all_ties() {
        boolean[] truth = {false, true, false, true};
        assertThat(RankingMetrics.rocAuc(new double[] {0.1, 0.9, 0.2, 0.8}, truth)).isEqualTo(1.0);
        assertThat(RankingMetrics.rocAuc(new double[] {0.5, 0.5, 0.5, 0.5}, truth)).isEqualTo(0.5);
        assertThat(RankingMetrics.rocAuc(new double[] {0.9, 0.1, 0.8, 0.2}, truth)).isEqualTo(0.0);
    }

    @Test
    void auc_counts_pairwise_orderings() {
        // positives 0.6 and 0.3; negatives 0.5 and 0.1: 3 of 4 pairs ordered
        assertThat(RankingMetrics.rocAuc(new double[] {0.6, 0.5, 0.3, 0.1}, new boolean[] {true, false, true, false}))
                .isEqualTo(0.75);
    }

    @Test
    void auc_needs_both_classes() {
        assertThatThrownBy(() -> RankingMetrics.rocAuc(new double[] {1, 2}, new boolean[] {true, true}))
                .hasMessage("ROC-AUC needs both classes, got 2 positives and 0 negatives");
    }

    @Test
    void precision_at_k_averages_over_queries() {
        double p = RankingMetrics.precisionAtK(
                List.of(new double[] {0.9, 0.8, 0.1}, new double[] {0.2, 0.7}),
                List.of(new boolean[] {true, false, true}, new boolean[] {true, false}), 2);
        assertThat(p).isEqualTo((0.5 + 0.5) / 2);
    }
}
