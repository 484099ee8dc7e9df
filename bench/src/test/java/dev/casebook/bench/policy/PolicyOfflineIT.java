package dev.casebook.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
            assertThat(printed).containsPattern(Pattern.quote(row.method()) + "\\s+"
                    + String.format("%.4f", row.rocAuc()) + "\\s+" + String.format("%.4f", row.precisionAtK()));
        });
        assertThat(printed).contains("ROC-AUC", "P@4", "embeddings all-minilm-l6-v2-q");
    }

    @Test
    void validation_study_chooses_on_a_split_of_the_training_queries_and_keeps_the_held_out_split() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AucStudy.Report report;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            report = PolicyOfflineBench.study(new String[] {"--queries", "120", "--epochs", "2", "--seed", "5",
                "--validation", "0.25"}, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report.heldOutQueries()).as("same held-out split as without --validation").isEqualTo(24);
        assertThat(report.fitQueries() + report.validationQueries()).isEqualTo(96);
        assertThat(report.validationQueries()).isEqualTo(24);
        assertThat(report.rows()).extracting(AucStudy.Row::variant)
                .contains("network h=128 epoch 1", "network h=128 epoch 4", "network h=32 epoch 4",
                        "kNN success rate k=5", "logistic on query, L2=1e-02");
        assertThat(report.chosen().validationAuc()).isEqualTo(report.finalists().stream()
                .mapToDouble(AucStudy.Row::validationAuc).max().orElseThrow());
        assertThat(report.refit().heldOutAuc()).isBetween(0.0, 1.0);
        assertThat(printed).contains("val AUC", "held AUC", "chosen (best validation ROC-AUC)", "refit on all training");
    }

    @Test
    void query_feature_study_chooses_on_validation_and_refits_on_the_same_held_out_split() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        QueryStudy.Report report;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            report = PolicyOfflineBench.queryStudy(new String[] {"--queries", "120", "--seed", "5",
                "--validation", "0.25", "--query-features=true"}, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);

        assertThat(report.heldOutQueries()).as("same held-out split as without the option").isEqualTo(24);
        assertThat(report.fitQueries() + report.validationQueries()).isEqualTo(96);
        assertThat(report.rows()).extracting(QueryStudy.Row::variant).contains("bank positive share k=10",
                "logistic on surface+bank, L2=1e+00", "boosted trees on all, depth 2, leaf 30, 25 trees");
        assertThat(report.chosen().validationAuc()).isEqualTo(report.rows().stream()
                .mapToDouble(QueryStudy.Row::validationAuc).max().orElseThrow());
        assertThat(report.refit().variant()).isEqualTo("refit: " + report.chosen().variant());
        assertThat(report.fullBankRefit().variant()).isEqualTo("refit, full bank (held-out tasks' cases kept)");
        assertThat(report.rows()).extracting(QueryStudy.Row::variant).contains(report.crossValidated().variant());
        assertThat(report.crossValidated().validationAuc()).as("mean AUC over the folds").isBetween(0.0, 1.0);
        assertThat(report.crossValidatedRefit().variant()).isEqualTo("refit: " + report.crossValidated().variant());
        assertThat(report.crossValidatedRefit().heldOutAuc()).isBetween(0.0, 1.0);
        assertThat(printed).contains("query-level study: 72 fitting / 24 validation / 24 held-out queries",
                "chosen (best validation ROC-AUC)", String.format("%.4f", report.refit().heldOutAuc()),
                "chosen by 5-fold cross-validation", String.format("%.4f", report.crossValidatedRefit().heldOutAuc()));
    }

    @Test
    void splits_by_query_so_no_held_out_query_is_trained_on() {
        var pairs = SelectionPair.read(dev.casebook.testkit.SharedData.file("memento/training_data.jsonl"));
        assertThat(pairs).hasSize(7000);
        var evaluation = new OfflinePolicyEvaluation(OfflinePolicyEvaluation.Settings.defaults(), null);

        var split = evaluation.split(pairs, new Random(42));

        var trainQueries = split.train().stream().map(SelectionPair::query).collect(Collectors.toSet());
        var heldOutQueries = split.heldOut().stream().map(SelectionPair::query)
                .collect(Collectors.toSet());
        assertThat(trainQueries).doesNotContainAnyElementsOf(heldOutQueries);
        assertThat(split.train().size() + split.heldOut().size()).isEqualTo(7000);
        assertThat(heldOutQueries).hasSize(split.heldOutQueries()).hasSize((int) Math.round(874 * 0.2));
        assertThat(evaluation.split(pairs, new Random(42)).heldOut()).isEqualTo(split.heldOut());
    }
}
