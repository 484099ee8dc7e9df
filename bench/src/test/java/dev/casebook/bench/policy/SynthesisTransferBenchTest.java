package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The synthesis-transfer simulator's selection follows the server's guard (docs/synthesis.md). */
class SynthesisTransferBenchTest {
    static final float[] TASK = unit(1, 0, 0, 0);

    static float[] unit(double... v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    /** A positive case at cosine {@code similarity} to {@link #TASK}. */
    static TransferWorld.Case positive(double similarity, boolean synthetic) {
        return new TransferWorld.Case(unit(similarity, Math.sqrt(1 - similarity * similarity), 0, 0), 0, true,
                synthetic, !synthetic);
    }

    static Set<TransferWorld.Case> set() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    @Test
    void the_server_guard_shows_at_most_max_provisional_unconfirmed_synthetic_cases_and_fills_with_real_ones() {
        TransferWorld.Case d1 = positive(0.99, true);
        TransferWorld.Case d2 = positive(0.98, true);
        TransferWorld.Case d3 = positive(0.97, true);
        TransferWorld.Case real = positive(0.70, false);
        List<TransferWorld.Case> memory = List.of(d1, d2, d3, real);

        assertThat(SynthesisTransferBench.MAX_PROVISIONAL).isEqualTo(2);
        assertThat(SynthesisTransferBench.select(memory, TASK, 4, SynthesisTransferBench.Guard.server(), true, set(),
                set())).containsExactly(d1, d2, real);
        assertThat(SynthesisTransferBench.select(memory, TASK, 4, SynthesisTransferBench.Guard.PRIOR_ONLY, true,
                set(), set())).containsExactly(d1, d2, d3, real);
        assertThat(SynthesisTransferBench.select(memory, TASK, 4, SynthesisTransferBench.Guard.NONE, true, set(),
                set())).containsExactly(d1, d2, d3, real);

        Set<TransferWorld.Case> confirmed = set();
        confirmed.add(d3);
        assertThat(SynthesisTransferBench.select(memory, TASK, 4, SynthesisTransferBench.Guard.server(), true,
                confirmed, set())).as("a confirmed synthetic case ranks like a real one and is not counted")
                .containsExactly(d3, d1, d2, real);
    }

    @Test
    void the_prior_ranks_an_unconfirmed_synthetic_case_below_a_real_one_within_ten_percent_and_the_gate_hides_it() {
        TransferWorld.Case dream = positive(0.95, true);
        TransferWorld.Case real = positive(0.90, false);
        List<TransferWorld.Case> memory = List.of(dream, real);

        assertThat(SynthesisTransferBench.select(memory, TASK, 2, SynthesisTransferBench.Guard.server(), true, set(),
                set())).containsExactly(real, dream);
        assertThat(SynthesisTransferBench.select(memory, TASK, 2, SynthesisTransferBench.Guard.NONE, true, set(),
                set())).containsExactly(dream, real);
        assertThat(SynthesisTransferBench.select(memory, TASK, 2, SynthesisTransferBench.Guard.server(), false, set(),
                set())).containsExactly(real);
    }

    @Test
    void the_servers_guard_never_shows_a_refuted_case_again() {
        TransferWorld.Case dream = positive(0.95, true);
        TransferWorld.Case real = positive(0.90, false);
        Set<TransferWorld.Case> refuted = set();
        refuted.add(dream);

        assertThat(SynthesisTransferBench.select(List.of(dream, real), TASK, 2,
                SynthesisTransferBench.Guard.server(), true, set(), refuted))
                .containsExactly(real);
    }

    @Test
    void a_run_prints_the_targets_and_the_ablations_and_is_the_same_for_the_same_seeds() {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        Map<String, List<SynthesisTransferBench.Run>> runs = SynthesisTransferBench.run(new String[] {"--seeds=2",
                "--seed-base=101", "--synthetic=60", "--episodes=120"}, new PrintStream(first, true,
                StandardCharsets.UTF_8));
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        SynthesisTransferBench.run(new String[] {"--seeds=2", "--seed-base=101", "--synthetic=60", "--episodes=120"},
                new PrintStream(second, true, StandardCharsets.UTF_8));

        String printed = first.toString(StandardCharsets.UTF_8);
        assertThat(printed).startsWith("synthesis-transfer SIMULATOR").contains("seeds 101-102")
                .contains("dream + 10% real >= 90% of the real-seeded gain")
                .contains("ablation +10%: prior only").contains("ablation +10%: no refutation")
                .contains("refutation on");
        assertThat(runs.keySet()).contains("dream f=0.9 guarded", "dream f=0.9 + 10% real", "ablation +10%: quota 1");
        assertThat(runs.get("off")).hasSize(2);
        assertThat(second.toString(StandardCharsets.UTF_8)).isEqualTo(printed);
    }
}
