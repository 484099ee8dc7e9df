package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PairFeaturesTest {

    @Test
    void lays_out_product_distance_cosine_and_statistics() {
        float[] out = new float[PairFeatures.width(2)];
        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE, out, 0);

        float cosine = (float) (1.0 / Math.sqrt(50));
        assertThat(out).containsExactly(3f, -2f, 2f, 3f, cosine, (float) Math.log1p(2), 0.5f, -1f, 1f, 0f, 0f, 0f);
        assertThat(out[PairFeatures.cosineIndex(2)]).isEqualTo(cosine);
    }

    @Test
    void layout_3_ends_with_the_source_one_hot_and_the_confirmed_bit() {
        float[] out = new float[PairFeatures.width(2)];
        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE,
                CaseSource.SYNTHETIC, false, out, 0);
        assertThat(Arrays.copyOfRange(out, 8, 12)).containsExactly(0f, 1f, 0f, 0f);

        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE,
                CaseSource.SYNTHETIC, true, out, 0);
        assertThat(Arrays.copyOfRange(out, 8, 12)).containsExactly(0f, 1f, 0f, 1f);

        PairFeatures.write(new float[] {1f, 2f}, new float[] {3f, -1f}, 2, 1, CaseLabel.NEGATIVE,
                CaseSource.SANDBOX, false, out, 0);
        assertThat(Arrays.copyOfRange(out, 8, 12)).containsExactly(0f, 0f, 1f, 0f);
        assertThat(PairFeatures.LAYOUT_VERSION).isEqualTo(3);
        assertThat(PairFeatures.width(2)).isEqualTo(12);
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
