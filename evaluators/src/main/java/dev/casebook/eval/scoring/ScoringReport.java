package dev.casebook.eval.scoring;

import dev.casebook.eval.score.ScoreResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The scores of a scoring input, line by line, with a summary per scorer. */
public record ScoringReport(List<Scored> items, Map<String, Summary> summary) {
    public ScoringReport {
        items = List.copyOf(items);
        summary = Map.copyOf(summary);
    }

    /** The score of one line. */
    public record Scored(String id, String scorer, ScoreResult result) {
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", id);
            map.put("scorer", scorer);
            map.putAll(ScoreView.of(result));
            return map;
        }
    }

    /** Per scorer: how many lines, how many correct, accuracy, the mean value (F1 for overlap), judge flags. */
    public record Summary(int count, int correct, double accuracy, double meanValue, int flagged) {
    }

    static ScoringReport of(List<Scored> items) {
        Map<String, Summary> summary = new LinkedHashMap<>();
        items.stream().map(Scored::scorer).distinct().forEach(scorer -> {
            List<ScoreResult> results = items.stream().filter(s -> s.scorer().equals(scorer)).map(Scored::result).toList();
            int correct = (int) results.stream().filter(ScoreResult::correct).count();
            double mean = results.stream().mapToDouble(ScoreResult::value).average().orElse(0);
            int flagged = (int) results.stream().filter(ScoreView::flagged).count();
            summary.put(scorer, new Summary(results.size(), correct, (double) correct / results.size(), mean, flagged));
        });
        return new ScoringReport(items, summary);
    }
}
