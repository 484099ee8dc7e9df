package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A small run of {@code ./casebook bench policy-offline} on the real Memento pairs with the real embedder. */
class PolicyOfflineIT {

    @Test
    void trains_on_the_memento_pairs_and_reports_learned_and_similarity_rows() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OfflinePolicyEvaluation.Report report;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            report = PolicyOfflineBench.run(new String[] {"--queries", "120", "--epochs", "6", "--seed", "5"}, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report.trainQueries()).isEqualTo(96);
        assertThat(report.heldOutQueries()).isEqualTo(24);
        assertThat(report.steps()).isPositive();
        assertThat(report.trainLossAfter()).as("training-set BCE after training").isLessThan(report.trainLossBefore());
        assertThat(report.rows()).extracting(OfflinePolicyEvaluation.Row::method)
                .containsExactly("similarity (cosine)", "learned (Q-network)");
        assertThat(report.rows()).allSatisfy(row -> {
            assertThat(row.rocAuc()).isBetween(0.0, 1.0);
            assertThat(row.precisionAtK()).isBetween(0.0, 1.0);
            assertThat(printed).containsPattern(java.util.regex.Pattern.quote(row.method()) + "\\s+"
                    + String.format("%.4f", row.rocAuc()) + "\\s+" + String.format("%.4f", row.precisionAtK()));
        });
        assertThat(printed).contains("ROC-AUC", "P@4", "embeddings all-minilm-l6-v2-q");
    }

    @Test
    void splits_by_query_so_no_held_out_query_is_trained_on() {
        var pairs = SelectionPair.read(dev.casebook.testkit.SharedData.file("memento/training_data.jsonl"));
        assertThat(pairs).hasSize(7000);
        var evaluation = new OfflinePolicyEvaluation(OfflinePolicyEvaluation.Settings.defaults(), null);

        var split = evaluation.split(pairs, new java.util.Random(42));

        var trainQueries = split.train().stream().map(SelectionPair::query).collect(java.util.stream.Collectors.toSet());
        var heldOutQueries = split.heldOut().stream().map(SelectionPair::query)
                .collect(java.util.stream.Collectors.toSet());
        assertThat(trainQueries).doesNotContainAnyElementsOf(heldOutQueries);
        assertThat(split.train().size() + split.heldOut().size()).isEqualTo(7000);
        assertThat(heldOutQueries).hasSize(split.heldOutQueries()).hasSize((int) Math.round(874 * 0.2));
        assertThat(evaluation.split(pairs, new java.util.Random(42)).heldOut()).isEqualTo(split.heldOut());
    }
}
