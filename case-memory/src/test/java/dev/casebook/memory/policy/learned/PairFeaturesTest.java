package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseLabel;
import org.junit.jupiter.api.Test;

class PairFeaturesTest {

    @Test
    void lays_out_product_distance_cosine_and_statistics() {
        float[] out = new float[PairFeatures.width(2)];
        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE, out, 0);

        float cosine = (float) (1.0 / Math.sqrt(50));
        assertThat(out).containsExactly(3f, -2f, 2f, 3f, cosine, (float) Math.log1p(2), 0.5f, -1f);
        assertThat(out[PairFeatures.cosineIndex(2)]).isEqualTo(cosine);
    }

    @Test
    void the_cosine_of_a_zero_vector_is_zero() {
        float[] out = new float[PairFeatures.width(2)];
        PairFeatures.write(new float[] {0f, 0f}, new float[] {3f, -1f}, 0, 0, CaseLabel.POSITIVE, out, 0);

        assertThat(out[PairFeatures.cosineIndex(2)]).isZero();
    }

    @Test
    void rejects_case_vector_of_wrong_dimension() {
        assertThatThrownBy(() -> PairFeatures.write(new float[2], new float[3], 0, 0, CaseLabel.POSITIVE,
                new float[20], 0))
                .hasMessage("case vector has dimension 3 but the state has 2");
    }
}
