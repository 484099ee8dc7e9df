package dev.casebook.bench.policy;

import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.testkit.SharedData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code ./casebook bench policy-offline [--data=FILE] [--seed=N] [--held-out=0.2] [--queries=N] [--epochs=N]
 * [--batch=N] [--k=N] [--hidden=N] [--lr=X] [--validation=SHARE] [--query-features=true] [--bank=FILE]}: trains the Q-network on {@code memento/training_data.jsonl} with the
 * in-process embedder and prints held-out ROC-AUC and precision@K of the learned policy and of cosine similarity.
 * With {@code --validation} it runs the variants of {@link AucStudy} instead (issue 19's ROC-AUC target); with
 * {@code --query-features} the query-level models of {@link QueryStudy} on the same splits.
 */
public final class PolicyOfflineBench {

    private PolicyOfflineBench() {
    }

    public static void run(String[] args) {
        if (Boolean.parseBoolean(new Args(args).get("--query-features"))) {
            queryStudy(args, System.out);
        } else if (new Args(args).has("--validation")) {
            study(args, System.out);
        } else {
            run(args, System.out);
        }
    }

    public static OfflinePolicyEvaluation.Report run(String[] args, PrintStream out) {
        Setup setup = setup(args, out);
        OfflinePolicyEvaluation.Report report = new OfflinePolicyEvaluation(setup.settings(),
                InProcessEmbedder.shared()).run(setup.pairs());
        out.print(report.format());
        return report;
    }

    /**
     * {@code --validation=SHARE}: the variants of {@link AucStudy}, chosen on a validation split of the training
     * queries; the held-out split is the same as without the option.
     */
    static AucStudy.Report study(String[] args, PrintStream out) {
        Setup setup = setup(args, out);
        AucStudy.Report report = new AucStudy(new OfflinePolicyEvaluation(setup.settings(),
                InProcessEmbedder.shared()), new Args(args).getDouble("--validation", 0.2)).run(setup.pairs());
        out.print(report.format());
        return report;
    }

    /**
     * {@code --query-features}: the models of {@link QueryStudy} on the splits of {@link AucStudy} ({@code --validation},
     * default 0.2), with the case bank {@code --bank} (default {@code memento/memory.jsonl}).
     */
    static QueryStudy.Report queryStudy(String[] args, PrintStream out) {
        Setup setup = setup(args, out);
        Args a = new Args(args);
        List<BankCase> bank = BankCase.read(a.has("--bank") ? Path.of(a.get("--bank"))
                : SharedData.file("memento/memory.jsonl"));
        OfflinePolicyEvaluation evaluation = new OfflinePolicyEvaluation(setup.settings(), InProcessEmbedder.shared());
        OfflinePolicyEvaluation.Split split = evaluation.split(setup.pairs(), new Random(setup.settings().seed()));
        Map<String, float[]> vectors = new HashMap<>(evaluation.embed(split.train(), split.heldOut()));
        List<String> missing = bank.stream().map(BankCase::text).filter(t -> !vectors.containsKey(t)).distinct()
                .toList();
        List<float[]> embedded = evaluation.embedder().embedAll(missing);
        for (int i = 0; i < missing.size(); i++) {
            vectors.put(missing.get(i), embedded.get(i));
        }
        QueryStudy.Report report = QueryStudy.run(split.train(), split.heldOut(), AucStudy.validationQueries(
                split.train(), setup.settings().seed(), a.getDouble("--validation", 0.2)), bank, vectors,
                setup.settings().seed());
        out.print(report.format(true));
        return report;
    }

    private record Setup(OfflinePolicyEvaluation.Settings settings, List<SelectionPair> pairs) {
    }

    private static Setup setup(String[] args, PrintStream out) {
        OfflinePolicyEvaluation.Settings d = OfflinePolicyEvaluation.Settings.defaults();
        Args a = new Args(args);
        Path data = a.has("--data") ? Path.of(a.get("--data")) : SharedData.file("memento/training_data.jsonl");
        OfflinePolicyEvaluation.Settings settings = new OfflinePolicyEvaluation.Settings(
                a.getLong("--seed", d.seed()), a.getDouble("--held-out", d.heldOutShare()),
                a.getInt("--queries", d.queryLimit()), a.getInt("--epochs", d.epochs()),
                a.getInt("--batch", d.batchSize()), a.getInt("--k", d.k()), a.getInt("--hidden", d.hidden()),
                (float) a.getDouble("--lr", d.learningRate()));
        List<SelectionPair> pairs = SelectionPair.read(data);
        out.println("policy-offline: " + pairs.size() + " pairs from " + data + ", seed " + settings.seed());
        return new Setup(settings, pairs);
    }
}
