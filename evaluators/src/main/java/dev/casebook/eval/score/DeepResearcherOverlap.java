package dev.casebook.eval.score;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * DeepResearcher's F1 and exact match: text is lowercased, ASCII punctuation becomes spaces and whitespace is
 * collapsed (articles stay); F1 is computed over the <em>sets</em> of words, so repeated words count once; both are
 * the best over the gold alternatives. A null prediction scores 0.
 */
public final class DeepResearcherOverlap implements Scorer {
    public static final String NAME = "deepresearcher";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScoreResult score(String prediction, List<String> golds) {
        Scorer.requireGolds(golds);
        if (prediction == null) {
            return new ScoreResult.Overlap(0, false);
        }
        String normalizedPrediction = normalize(prediction);
        Set<String> predictionWords = new HashSet<>(WordOverlap.words(normalizedPrediction));
        double bestF1 = 0;
        boolean exact = false;
        for (String gold : golds) {
            String normalizedGold = normalize(gold);
            exact |= normalizedGold.equals(normalizedPrediction);
            Set<String> goldWords = new HashSet<>(WordOverlap.words(normalizedGold));
            Set<String> common = new HashSet<>(predictionWords);
            common.retainAll(goldWords);
            bestF1 = Math.max(bestF1, WordOverlap.f1(common.size(), predictionWords.size(), goldWords.size()));
        }
        return new ScoreResult.Overlap(bestF1, exact);
    }

    static String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length());
        WordOverlap.lower(text).codePoints()
                .forEach(cp -> out.appendCodePoint(WordOverlap.isPunctuation(cp) ? ' ' : cp));
        return String.join(" ", WordOverlap.words(out.toString()));
    }
}
