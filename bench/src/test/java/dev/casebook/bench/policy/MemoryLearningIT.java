package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A short run of {@code ./casebook bench memory-learning}: real Lucene store, simulated LLM over HTTP. The learned
 * policy trains inline, so a run is a deterministic function of its seeds and the assertions cannot flake on the
 * machine's timing.
 */
class MemoryLearningIT {

    @Test
    void prints_curves_for_three_policies_and_the_learned_policy_beats_similarity_on_misleading_families()
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearningCurves curves;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            curves = MemoryLearningBench.run(new String[] {"--seeds", "3", "--episodes", "240", "--window", "60",
                    "--arms", "off,similarity,learned,learned-ts-slate"}, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);

        assertThat(printed).startsWith("memory-learning SIMULATOR")
                .contains("off", "similarity", "learned", "learned-ts-slate", "1-60", "181-240",
                        "score 64 candidates", "train one mini-batch of 32", "episodes to reach 90% of the final rate",
                        "counterfactual evaluation on the logs of 'learned'");
        // the counterfactual table has a row per learned arm, each with an estimate and an effective sample size
        assertThat(printed).containsPattern("(?m)^  learned-ts-slate +\\d\\.\\d{3} \\[.*\\] +(\\d\\.\\d{3}|NaN).* +\\d+\\.\\d / 60$");
        assertThat(curves.episodes()).isEqualTo(240);
        // similarity is misled by look-alike cases; the learned policy learns from rewards to avoid them
        assertThat(curves.finalRate("similarity", true).mean()).isLessThan(curves.finalRate("off", true).mean());
        assertThat(curves.finalRate("learned", true).mean())
                .isGreaterThan(curves.finalRate("similarity", true).mean() + 0.05);
        // and it keeps what similarity gets right elsewhere: it starts from the similarity ranking
        assertThat(curves.finalRate("learned", false).mean())
                .isGreaterThan(curves.finalRate("similarity", false).mean() - 0.05);
    }

    @Test
    void a_learned_run_is_the_same_for_the_same_seed() throws Exception {
        MemoryLearningBench.Settings settings = new MemoryLearningBench.Settings(1, 120, 60, 4, 32, 8, 4);

        MemoryLearningBench.Run first = MemoryLearningBench.runOne("learned", 7, settings);
        MemoryLearningBench.Run second = MemoryLearningBench.runOne("learned", 7, settings);

        assertThat(second.success()).containsExactly(first.success());
        assertThat(MemoryLearningBench.runOne("learned", 8, settings).success()).isNotEqualTo(first.success());
    }

    @Test
    void insights_distilled_from_a_family_s_own_successes_help_where_its_most_similar_cases_mislead()
            throws Exception {
        MemoryLearningBench.Settings settings = new MemoryLearningBench.Settings(3, 240, 60, 4, 32, 8, 4);
        java.util.List<MemoryLearningBench.Run> similarity = new java.util.ArrayList<>();
        java.util.List<MemoryLearningBench.Run> insights = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            similarity.add(MemoryLearningBench.runOne("similarity", seed, settings));
            insights.add(MemoryLearningBench.runOne("similarity+insights", seed, settings));
        }
        LearningCurves curves = new LearningCurves(java.util.List.of("similarity", "similarity+insights"),
                java.util.List.of(similarity, insights), 60);

        assertThat(curves.finalRate("similarity+insights", true).mean())
                .isGreaterThan(curves.finalRate("similarity", true).mean() + 0.2);
        assertThat(curves.finalRate("similarity+insights", false).mean())
                .isGreaterThan(curves.finalRate("similarity", false).mean() - 0.05);
        assertThat(MemoryLearningBench.runOne("similarity+insights", 1, settings).success())
                .containsExactly(insights.getFirst().success());
    }
}
