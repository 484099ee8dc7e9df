package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseLabel;
import org.junit.jupiter.api.Test;

class PairFeaturesTest {

    @Test
    void lays_out_state_case_product_distance_and_statistics() {
        float[] out = new float[PairFeatures.width(2)];
        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE, out, 0);

        assertThat(out).containsExactly(1f, 2f, 3f, -1f, 3f, -2f, 2f, 3f, (float) Math.log1p(2), 0.5f, -1f);
    }

    @Test
    void rejects_case_vector_of_wrong_dimension() {
        assertThatThrownBy(() -> PairFeatures.write(new float[2], new float[3], 0, 0, CaseLabel.POSITIVE,
                new float[20], 0))
                .hasMessage("case vector has dimension 3 but the state has 2");
    }
}
