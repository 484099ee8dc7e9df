package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A short run of {@code ./casebook bench memory-learning}: real Lucene store, simulated LLM over HTTP. */
class MemoryLearningIT {

    @Test
    void prints_curves_for_three_policies_and_the_learned_policy_beats_similarity_on_misleading_families()
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LearningCurves curves;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            curves = MemoryLearningBench.run(new String[] {"--seeds", "3", "--episodes", "240", "--window", "60"},
                    out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(printed).startsWith("memory-learning SIMULATOR")
                .contains("off", "similarity", "learned", "1-60", "181-240", "score 64 candidates",
                        "train one mini-batch of 32");
        assertThat(curves.episodes()).isEqualTo(240);
        // similarity is misled by look-alike cases; the learned policy learns from rewards to avoid them
        assertThat(curves.finalRate("similarity", true).mean()).isLessThan(curves.finalRate("off", true).mean());
        // the background trainer's timing varies from run to run: a clear margin, smaller than the full bench's +0.33
        assertThat(curves.finalRate("learned", true).mean())
                .isGreaterThan(curves.finalRate("similarity", true).mean() + 0.05);
    }
}
