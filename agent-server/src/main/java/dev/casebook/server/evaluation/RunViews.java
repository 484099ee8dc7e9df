package dev.casebook.server.evaluation;

import dev.casebook.eval.run.Aggregate;
import dev.casebook.eval.run.LearningCurve;
import dev.casebook.server.batch.JobView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The JSON views of evaluation runs ({@link RunReports} builds them). */
final class RunViews {
    private RunViews() {
    }

    /**
     * A run with its progress.
     *
     * @param total      items of the run (questions x attempts x epochs)
     * @param accuracy   correct of the scored items; null before the first
     * @param etaSeconds estimated seconds to the end while running; null otherwise
     * @param tokensEstimated true when some items' tokens were estimated (the endpoint reported no usage)
     */
    @Schema(name = "EvaluationRun")
    record Run(String id, String name, String status, Dataset dataset, RunOptions settings, int total, int done,
               int running, int pending, int correct, Double accuracy, Long etaSeconds, long tokensSpent,
               boolean tokensEstimated, String error, Instant createdAt, Instant startedAt, Instant finishedAt)
            implements JobView {
    }

    /** The dataset a run reads: its name, its path under the dataset root, its format. */
    @Schema(name = "EvaluationDataset")
    record Dataset(String name, String path, String format) {
    }

    /** One attempt of one question, as far as it got. */
    @Schema(name = "EvaluationItem")
    record Item(int seq, int epoch, int attempt, String itemId, String group, String question, List<String> golds,
                String status, String prediction, String outcome, String detail, Boolean correct,
                Map<String, Map<String, Object>> scores, Long tokens, Long millis,
                List<Map<String, Object>> selectedCases, Boolean guardLeak, String taskId, Instant finishedAt) {
    }

    /** A page of a run's items. */
    @Schema(name = "EvaluationItemPage")
    record ItemPage(List<Item> items, int page, int size, int total) {
    }

    /** A run, its aggregates per epoch and group, and its finished items. */
    @Schema(name = "EvaluationResults")
    record Results(Run run, Map<Integer, Map<String, Aggregate>> aggregates, List<Item> items) {
    }

    /** Accuracy over the episodes of a run, running and over a sliding window, and pass@1 per epoch. */
    @Schema(name = "EvaluationCurve")
    record Curve(int window, String memoryMode, List<LearningCurve.Point> points, Map<Integer, Double> pass1ByEpoch) {
    }

    /** Two runs' last epochs side by side: aggregates, their differences (b - a), and which questions each solved. */
    @Schema(name = "EvaluationComparison")
    record Comparison(Side a, Side b, Map<String, Delta> delta, Questions questions) {
    }

    /** One run of a comparison with the aggregates of its last epoch. */
    @Schema(name = "EvaluationComparisonSide")
    record Side(Run run, Map<String, Aggregate> aggregates) {
    }

    /** The difference of a group's pass@1 and pass@k, b - a. */
    @Schema(name = "EvaluationComparisonDelta")
    record Delta(double pass1, double passK) {
    }

    /** Questions both runs solved, neither did, only one did (with up to 100 ids each). */
    @Schema(name = "EvaluationComparisonQuestions")
    record Questions(int both, int neither, int onlyA, int onlyB, List<String> onlyAIds, List<String> onlyBIds) {
    }
}
