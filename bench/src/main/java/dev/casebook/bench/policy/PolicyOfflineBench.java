package dev.casebook.bench.policy;

import dev.casebook.memory.embedding.InProcessEmbedder;
import dev.casebook.testkit.SharedData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./casebook bench policy-offline [--data=FILE] [--seed=N] [--held-out=0.2] [--queries=N] [--epochs=N]
 * [--batch=N] [--k=N] [--hidden=N] [--lr=X]}: trains the Q-network on {@code memento/training_data.jsonl} with the
 * in-process embedder and prints held-out ROC-AUC and precision@K of the learned policy and of cosine similarity.
 */
public final class PolicyOfflineBench {

    private PolicyOfflineBench() {
    }

    public static void run(String[] args) {
        run(args, System.out);
    }

    public static OfflinePolicyEvaluation.Report run(String[] args, PrintStream out) {
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
        OfflinePolicyEvaluation.Report report = new OfflinePolicyEvaluation(settings, InProcessEmbedder.shared())
                .run(pairs);
        out.print(report.format());
        return report;
    }
}
