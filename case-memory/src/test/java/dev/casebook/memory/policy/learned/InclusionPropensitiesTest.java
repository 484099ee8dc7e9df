package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InclusionPropensitiesTest {

    private static final List<Case> CASES = List.of(Case.of("t", "a", "", "", 1, CaseSource.REAL),
            Case.of("t", "b", "", "", 1, CaseSource.REAL), Case.of("t", "c", "", "", 1, CaseSource.REAL),
            Case.of("t", "d", "", "", 1, CaseSource.REAL));

    @Test
    void a_deterministic_selection_includes_its_cases_with_certainty_and_the_others_at_the_floor() {
        Map<Case, Double> p = InclusionPropensities.estimate(CASES, () -> CASES.subList(0, 2), 100);

        assertThat(p.get(CASES.get(0))).isEqualTo(1.0);
        assertThat(p.get(CASES.get(1))).isEqualTo(1.0);
        assertThat(p.get(CASES.get(2))).isEqualTo(0.01);
    }

    @Test
    void a_uniform_pick_of_one_in_four_is_estimated_near_a_quarter() {
        Random random = new Random(8);
        Map<Case, Double> p = InclusionPropensities.estimate(CASES,
                () -> List.of(CASES.get(random.nextInt(4))), 4000);

        for (Case c : CASES) {
            assertThat(p.get(c)).isCloseTo(0.25, within(0.03));
        }
    }
}
