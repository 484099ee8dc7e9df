package dev.casebook.bench.policy;

import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.testkit.SharedData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./casebook bench policy-offline [--data=FILE] [--seed=N] [--held-out=0.2] [--queries=N] [--epochs=N]
 * [--batch=N] [--k=N] [--hidden=N] [--lr=X] [--validation=SHARE]}: trains the Q-network on {@code memento/training_data.jsonl} with the
 * in-process embedder and prints held-out ROC-AUC and precision@K of the learned policy and of cosine similarity.
 * With {@code --validation} it runs the variants of {@link AucStudy} instead (issue 19's ROC-AUC target).
 */
public final class PolicyOfflineBench {

    private PolicyOfflineBench() {
    }

    public static void run(String[] args) {
        if (new Args(args).has("--validation")) {
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
