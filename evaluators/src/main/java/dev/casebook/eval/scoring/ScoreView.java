package dev.casebook.eval.scoring;

import dev.casebook.eval.score.ScoreResult;
import java.util.LinkedHashMap;
import java.util.Map;

/** A score as a flat JSON-ready map: {@code kind, correct, value} and the fields of its kind. */
public final class ScoreView {
    private ScoreView() {
    }

    public static Map<String, Object> of(ScoreResult result) {
        Map<String, Object> view = new LinkedHashMap<>();
        switch (result) {
            case ScoreResult.Exact exact -> {
                view.put("kind", "exact");
                view.put("rule", exact.detail());
            }
            case ScoreResult.Overlap overlap -> {
                view.put("kind", "overlap");
                view.put("f1", overlap.f1());
                view.put("em", overlap.exactMatch());
            }
            case ScoreResult.Judged judged -> {
                view.put("kind", "judge");
                view.put("rationale", judged.rationale());
                view.put("attempts", judged.attempts());
                view.put("flagged", judged.flagged());
                view.put("tokens", judged.tokens());
            }
            case ScoreResult.Graded graded -> {
                view.put("kind", "simpleqa");
                view.put("grade", graded.grade().name());
                view.put("attempts", graded.attempts());
                view.put("flagged", graded.flagged());
                view.put("tokens", graded.tokens());
            }
        }
        view.put("correct", result.correct());
        view.put("value", result.value());
        return view;
    }

    /** Whether a judge could not produce a verdict for this score. */
    public static boolean flagged(ScoreResult result) {
        return switch (result) {
            case ScoreResult.Judged judged -> judged.flagged();
            case ScoreResult.Graded graded -> graded.flagged();
            default -> false;
        };
    }
}
