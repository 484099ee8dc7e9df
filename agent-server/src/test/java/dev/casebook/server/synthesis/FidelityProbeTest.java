package dev.casebook.server.synthesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FidelityProbeTest {

    @Test
    void auc_ranks_the_judged_rewards_of_real_successes_above_those_of_failures() {
        assertThat(FidelityProbe.auc(List.of(new double[] {0.9, 1}, new double[] {0.2, 0}))).isEqualTo(1.0);
        assertThat(FidelityProbe.auc(List.of(new double[] {0.1, 1}, new double[] {0.8, 0}))).isEqualTo(0.0);
        assertThat(FidelityProbe.auc(List.of(new double[] {0.5, 1}, new double[] {0.5, 0}))).isEqualTo(0.5);
        assertThat(FidelityProbe.auc(List.of(new double[] {0.9, 1}, new double[] {0.7, 1}))).as("one outcome only")
                .isNull();
    }

    @Test
    void numbers_are_compared_by_value() {
        assertThat(FidelityProbe.numbers("widget: 12.50 EUR, 3 left, -2 today")).containsExactlyInAnyOrder("12.5",
                "3", "-2");
        assertThat(FidelityProbe.numbers("12,50")).containsExactly("12.5");
        assertThat(FidelityProbe.numbers("no digits")).isEmpty();
    }

    @Test
    void a_predicted_observation_naming_an_error_counts_as_a_failed_call() {
        assertThat(FidelityProbe.FAILURE.matcher("Error: file not found").find()).isTrue();
        assertThat(FidelityProbe.FAILURE.matcher("the request timed out").find()).isTrue();
        assertThat(FidelityProbe.FAILURE.matcher("widget: 12.50 EUR").find()).isFalse();
    }
}
