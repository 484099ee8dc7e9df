package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A case's record on tasks near this one: one case shown five times to tasks of family A (failing) and five times to
 * tasks of family B (succeeding); its global record, 5 of 10, says nothing about either family.
 */
class LocalEvidenceTest {

    private static final UUID CASE = UUID.randomUUID();
    private static final float[] FAMILY_A = {1, 0, 0};
    private static final float[] FAMILY_B = {0, 1, 0};
    private static final LocalEvidence LOCAL = LocalEvidence.records(16, 64);

    private static ReplayExample shown(float[] state, double reward, double weight) {
        return new ReplayExample("acme", state, CASE, new float[] {0, 0, 1}, 0, 0, CaseLabel.POSITIVE, reward,
                ReplayExample.NO_EPISODE, 1, CaseSource.REAL, false, weight);
    }

    private static List<ReplayExample> record() {
        List<ReplayExample> examples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            examples.add(shown(FAMILY_A, 0, 1));
            examples.add(shown(FAMILY_B, 1, 1));
        }
        return examples;
    }

    @Test
    void a_cases_record_counts_only_what_happened_on_tasks_near_this_one() {
        LocalEvidence.Tally nearA = LOCAL.tally(new float[] {1, 0.05f, 0}, record());
        LocalEvidence.Tally nearB = LOCAL.tally(new float[] {0.05f, 1, 0}, record());

        // cos 0.99875^16 = 0.98 per near example; the other family's examples are at cosine 0.05: 0.05^16 ~ 0
        assertThat(nearA.trials()).isCloseTo(5 * Math.pow(1 / Math.sqrt(1.0025), 16), within(1e-6));
        assertThat(nearA.successes()).isCloseTo(0, within(1e-9));
        assertThat(nearB.successes()).isCloseTo(nearB.trials(), within(1e-9));
        assertThat(nearB.trials()).isCloseTo(nearA.trials(), within(1e-9));
    }

    @Test
    void a_task_far_from_every_example_has_no_record() {
        LocalEvidence.Tally far = LOCAL.tally(new float[] {0, 0, 1}, record());
        LocalEvidence.Tally opposite = LOCAL.tally(new float[] {-1, -1, 0}, record());

        assertThat(far.trials()).isZero();
        assertThat(opposite.trials()).isZero();
    }

    @Test
    void the_kernel_is_the_cosine_to_the_power_and_an_example_counts_its_weight() {
        assertThat(LOCAL.kernel(0.5)).isCloseTo(Math.pow(0.5, 16), within(1e-12));
        assertThat(LOCAL.kernel(1)).isEqualTo(1);
        assertThat(LOCAL.kernel(-0.9)).isZero();
        assertThat(LocalEvidence.records(1, 64).kernel(0.5)).isEqualTo(0.5);

        LocalEvidence.Tally dreamt = LOCAL.tally(FAMILY_A, List.of(shown(FAMILY_A, 1, 0.25), shown(FAMILY_A, 0, 1)));
        assertThat(dreamt.trials()).isCloseTo(1.25, within(1e-9));
        assertThat(dreamt.successes()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void off_keeps_the_global_record_and_bad_settings_are_refused() {
        assertThat(LocalEvidence.OFF.localRecords()).isFalse();
        assertThat(LocalEvidence.OFF.addedCandidates()).isZero();
        assertThat(LOCAL.localRecords()).isTrue();
        assertThatThrownBy(() -> LocalEvidence.records(0, 64))
                .hasMessage("kernel power must be finite and > 0, was 0.0");
        assertThatThrownBy(() -> new LocalEvidence(16, -1, 0))
                .hasMessage("perCase and addedCandidates must not be negative, were -1 and 0");
    }

    @Test
    void the_cases_of_one_episode_share_its_kernel_weight_computed_once() {
        ReplayExample shownTogether = new ReplayExample("acme", FAMILY_A, CASE, new float[] {0, 0, 1}, 0, 0,
                CaseLabel.POSITIVE, 1, 7, 1);
        Map<Long, Double> kernelByEpisode = new HashMap<>();
        kernelByEpisode.put(7L, 0.5); // as another case of episode 7 left it in this selection

        LocalEvidence.Tally tally = LOCAL.tally(FAMILY_A, List.of(shownTogether), kernelByEpisode);

        assertThat(tally.trials()).isEqualTo(0.5);
        assertThat(LOCAL.tally(FAMILY_A, List.of(shownTogether)).trials()).isEqualTo(1);
    }
}
