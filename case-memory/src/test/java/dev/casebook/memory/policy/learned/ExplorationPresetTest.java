package dev.casebook.memory.policy.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each configuration name builds the exploration of its simulator arm (docs/policy.md, "In the server"). */
class ExplorationPresetTest {

    private static final LocalEvidence LOCAL = new LocalEvidence(16, 64, 0);

    @Test
    void softmax_is_the_policy_as_before() {
        assertThat(ExplorationPreset.named("softmax").exploration(0.9)).isEqualTo(Exploration.SOFTMAX);
    }

    @Test
    void thompson_samples_the_global_posterior_with_spread_1_and_prior_worth_4_episodes() {
        assertThat(ExplorationPreset.named("thompson").exploration(0.9)).isEqualTo(new Exploration(
                Exploration.Kind.THOMPSON, 1, 4, Exploration.Fade.NONE, LocalEvidence.OFF, 0, 0.5, 1, 0));
    }

    @Test
    void thompson_local_top_uses_local_records_and_fades_the_prior_to_the_top() {
        assertThat(ExplorationPreset.named("thompson-local-top").exploration(0.9)).isEqualTo(new Exploration(
                Exploration.Kind.THOMPSON, 1, 4, Exploration.Fade.TO_TOP, LOCAL, 0, 0.5, 1, 0));
    }

    @Test
    void thompson_local_top_clusters_adds_clusters_at_the_given_threshold() {
        assertThat(ExplorationPreset.named("thompson-local-top-clusters").exploration(0.8)).isEqualTo(
                new Exploration(Exploration.Kind.THOMPSON, 1, 4, Exploration.Fade.TO_TOP, LOCAL, 0.8, 0.5,
                        1, 0));
    }

    @Test
    void an_unknown_name_is_refused_with_the_known_ones() {
        assertThatThrownBy(() -> ExplorationPreset.named("ucb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown exploration 'ucb'; known: softmax, thompson, thompson-local-top,"
                        + " thompson-local-top-clusters");
    }
}
