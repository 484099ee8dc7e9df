package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.memory.policy.learned.ExplorationPreset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each exploration the server can be configured with is exactly the simulator arm docs/policy.md reports on. */
class MemoryLearningArmsTest {

    @Test
    void every_server_preset_builds_the_exploration_of_its_arm() {
        Map<ExplorationPreset, String> arms = Map.of(ExplorationPreset.SOFTMAX, "learned",
                ExplorationPreset.THOMPSON, "learned-ts",
                ExplorationPreset.THOMPSON_LOCAL_TOP, "learned-ts-local-top",
                ExplorationPreset.THOMPSON_LOCAL_TOP_CLUSTERS, "learned-ts-local-top-cl");
        assertThat(arms).hasSize(ExplorationPreset.values().length);
        Args defaults = new Args(new String[0]);
        arms.forEach((preset, arm) -> assertThat(MemoryLearningBench.arm(arm, 1, defaults).exploration())
                .as(arm).isEqualTo(preset.exploration(ExplorationPreset.CLUSTER_THRESHOLD)));
    }

    @Test
    void wo_and_cs_set_the_prior_of_not_shown_and_the_spread_of_clusters_and_w_still_weighs_similarity() {
        Args defaults = new Args(new String[0]);

        assertThat(MemoryLearningBench.arm("learned-ts-local-top-cl-wo0.25-cs0.5", 1, defaults).exploration())
                .isEqualTo(ExplorationPreset.THOMPSON_LOCAL_TOP_CLUSTERS.exploration(0.9).withWithoutPrior(0.25)
                        .withClusterSpread(0.5));
        assertThat(MemoryLearningBench.arm("learned-w0.5", 1, defaults).similarityWeight()).isEqualTo(0.5);
    }

    @Test
    void g_gates_the_exploration_over_clusters() {
        Args defaults = new Args(new String[0]);

        assertThat(MemoryLearningBench.arm("learned-ts-local-top-cl-cs0.5-g0.1", 1, defaults).exploration())
                .isEqualTo(ExplorationPreset.THOMPSON_LOCAL_TOP_CLUSTERS.exploration(0.9).withClusterSpread(0.5)
                        .withGate(0.1));
    }
}
