package dev.casebook.eval.score;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The classic SQuAD v1.1 F1 and exact match (also HotpotQA's): lowercase, ASCII punctuation deleted, the articles
 * {@code a an the} removed, whitespace collapsed; F1 over the <em>multisets</em> of words; the best over the gold
 * alternatives. The {@code hotpotqa} variant adds HotpotQA's rule that a {@code yes}, {@code no} or
 * {@code noanswer} on either side scores F1 0 unless both are equal.
 */
public final class SquadOverlap implements Scorer {
    public static final String SQUAD = "squad";
    public static final String HOTPOTQA = "hotpotqa";

    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    private static final List<String> SPECIAL = List.of("yes", "no", "noanswer");

    private final boolean hotpotYesNo;

    private SquadOverlap(boolean hotpotYesNo) {
        this.hotpotYesNo = hotpotYesNo;
    }

    public static SquadOverlap squad() {
        return new SquadOverlap(false);
    }

    public static SquadOverlap hotpotqa() {
        return new SquadOverlap(true);
    }

    @Override
    public String name() {
        return hotpotYesNo ? HOTPOTQA : SQUAD;
    }

    @Override
    public ScoreResult score(String prediction, List<String> golds) {
        Scorer.requireGolds(golds);
        if (prediction == null) {
            return new ScoreResult.Overlap(0, false);
        }
        String normalizedPrediction = normalize(prediction);
        double bestF1 = 0;
        boolean exact = false;
        for (String gold : golds) {
            String normalizedGold = normalize(gold);
            exact |= normalizedGold.equals(normalizedPrediction);
            bestF1 = Math.max(bestF1, f1(normalizedPrediction, normalizedGold));
        }
        return new ScoreResult.Overlap(bestF1, exact);
    }

    private double f1(String prediction, String gold) {
        if (hotpotYesNo && !prediction.equals(gold) && (SPECIAL.contains(prediction) || SPECIAL.contains(gold))) {
            return 0;
        }
        List<String> predictionWords = WordOverlap.words(prediction);
        List<String> goldWords = WordOverlap.words(gold);
        Map<String, Integer> goldCounts = new HashMap<>();
        goldWords.forEach(w -> goldCounts.merge(w, 1, Integer::sum));
        int common = 0;
        for (String word : predictionWords) {
            Integer left = goldCounts.get(word);
            if (left != null && left > 0) {
                goldCounts.put(word, left - 1);
                common++;
            }
        }
        return WordOverlap.f1(common, predictionWords.size(), goldWords.size());
    }

    static String normalize(String text) {
        StringBuilder noPunctuation = new StringBuilder(text.length());
        WordOverlap.lower(text).codePoints()
                .filter(cp -> !WordOverlap.isPunctuation(cp))
                .forEach(noPunctuation::appendCodePoint);
        String noArticles = ARTICLES.matcher(noPunctuation).replaceAll(" ");
        return String.join(" ", WordOverlap.words(noArticles));
    }
}
