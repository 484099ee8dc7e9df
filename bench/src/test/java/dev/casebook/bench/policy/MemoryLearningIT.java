package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A short run of {@code ./casebook bench memory-learning}: real Lucene store, simulated LLM over HTTP. The learned
 * policy trains inline, so a run is a deterministic function of its seeds and the assertions cannot flake on the
 * machine's timing. Every arm runs once, in {@link #runAllArms}, and the tests assert on that one report: the
 * simulation is the slow part, and rerunning an arm on the same seed would only repeat it.
 */
class MemoryLearningIT {

    private static final int SEEDS = 3;
    private static final int EPISODES = 160;
    private static final int WINDOW = 40;

    private static String printed;
    private static LearningCurves curves;

    @BeforeAll
    static void runAllArms() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            curves = MemoryLearningBench.run(new String[] {"--seeds", String.valueOf(SEEDS), "--episodes",
                    String.valueOf(EPISODES), "--window", String.valueOf(WINDOW),
                    "--arms", "off,similarity,learned,learned-ts-slate,similarity+insights",
                    // the counterfactual table's shape is what this test checks, not the precision of its estimates
                    "--ope-draws", "40",
                    // the server's trigger, each episode a case of its own: the simulator's tasks of a family are
                    // near-duplicates by the server's default (0.95), which would leave every family one case
                    "--insight-trigger", "server", "--duplicate-threshold", "1"}, out);
        }
        printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
    }

    @Test
    void prints_curves_for_every_arm_with_final_rates_counterfactual_rows_and_costs() {
        assertThat(printed).startsWith("memory-learning SIMULATOR")
                .contains("off", "similarity", "learned", "learned-ts-slate", "similarity+insights", "1-40",
                        "121-160", "score 64 candidates", "train one mini-batch of 32", "linear+local",
                        "episodes to reach 90% of the final rate",
                        "counterfactual evaluation on the logs of 'learned'", "from 40 repeated draws");
        // the counterfactual table has a row per learned arm, each with an estimate and an effective sample size
        assertThat(printed).containsPattern("(?m)^  learned-ts-slate +\\d\\.\\d{3} \\[.*\\] +(\\d\\.\\d{3}|NaN).* +\\d+\\.\\d / 40$");
        assertThat(curves.episodes()).isEqualTo(EPISODES);
    }

    @Test
    void the_learned_policy_beats_similarity_on_misleading_families_and_keeps_it_elsewhere() {
        // similarity is misled by look-alike cases; the learned policy learns from rewards to avoid them
        assertThat(curves.finalRate("similarity", true).mean()).isLessThan(curves.finalRate("off", true).mean());
        assertThat(curves.finalRate("learned", true).mean())
                .isGreaterThan(curves.finalRate("similarity", true).mean() + 0.05);
        // and it keeps what similarity gets right elsewhere: it starts from the similarity ranking
        assertThat(curves.finalRate("learned", false).mean())
                .isGreaterThan(curves.finalRate("similarity", false).mean() - 0.05);
    }

    @Test
    void insights_distilled_from_a_family_s_own_successes_help_where_its_most_similar_cases_mislead() {
        assertThat(curves.finalRate("similarity+insights", true).mean())
                .isGreaterThan(curves.finalRate("similarity", true).mean() + 0.2);
        assertThat(curves.finalRate("similarity+insights", false).mean())
                .isGreaterThan(curves.finalRate("similarity", false).mean() - 0.05);
    }

    @Test
    void the_server_trigger_distils_at_ratings_and_its_log_is_printed() {
        MemoryLearningBench.InsightLog log = curves.runsOf("similarity+insights").getFirst().insights();
        assertThat(log.trigger()).isEqualTo(InsightsArm.Trigger.SERVER);
        assertThat(log.families()).as("one case per episode").isEqualTo(EPISODES);
        assertThat(log.distilled() + log.declined() + log.tooSmall()).as("one decision per rating")
                .isEqualTo(EPISODES);
        assertThat(log.distilled()).isGreaterThan(EPISODES / 2);
        assertThat(printed).contains("insight triggers", "trigger server");
    }

    @Test
    void a_run_is_the_same_for_the_same_seed_and_differs_for_another() throws Exception {
        MemoryLearningBench.Settings settings = new MemoryLearningBench.Settings(1, EPISODES, WINDOW, 4, 32, 8, 4);
        Args args = new Args(new String[] {"--duplicate-threshold", "1"});

        for (String arm : new String[] {"learned", "similarity+insights"}) {
            boolean[] first = curves.runsOf(arm).getFirst().success();
            assertThat(MemoryLearningBench.runOne(arm, 1, settings, args, null).success()).as(arm)
                    .containsExactly(first);
            assertThat(curves.runsOf(arm).get(1).success()).as(arm).isNotEqualTo(first);
        }
    }
}
