package dev.casebook.eval.score;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * GAIA's quasi-exact match, rule for rule as the official leaderboard scorer ({@code question_scorer}): when the
 * ground truth parses as a Python float the answer is compared as a number (after dropping {@code $ % ,}; an
 * unparseable answer counts as +∞); otherwise, when it contains {@code ,} or {@code ;}, both are split on those
 * characters (empty pieces kept) and compared element by element; otherwise both are compared as strings with all
 * whitespace and ASCII punctuation removed, case-insensitively. A null answer is the string {@code "None"}. Its
 * quirks are kept on purpose so results match published ones: a {@code nan} ground truth never matches, an
 * {@code inf} ground truth matches any unparseable answer.
 */
public final class GaiaQuasiExactMatch implements Scorer {
    public static final String NAME = "gaia";

    /** Which branch of the official scorer compared the two. */
    public enum Branch { NUMBER, LIST, STRING }

    /** The outcome of one comparison. */
    public record Comparison(boolean correct, Branch branch) {
    }

    private static final Pattern SEPARATORS = Pattern.compile("[,;]");
    private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ScoreResult score(String prediction, List<String> golds) {
        Scorer.requireGolds(golds);
        for (String gold : golds) {
            Comparison comparison = compare(prediction, gold);
            if (comparison.correct()) {
                return new ScoreResult.Exact(true, comparison.branch().name().toLowerCase(Locale.ROOT));
            }
        }
        return new ScoreResult.Exact(false, compare(prediction, golds.getFirst()).branch().name().toLowerCase(Locale.ROOT));
    }

    public static boolean matches(String modelAnswer, String groundTruth) {
        return compare(modelAnswer, groundTruth).correct();
    }

    public static Comparison compare(String modelAnswer, String groundTruth) {
        String answer = modelAnswer == null ? "None" : modelAnswer;
        OptionalDouble truthNumber = PythonFloat.parse(groundTruth);
        if (truthNumber.isPresent()) {
            return new Comparison(normalizeNumber(answer) == truthNumber.getAsDouble(), Branch.NUMBER);
        }
        if (groundTruth.indexOf(',') >= 0 || groundTruth.indexOf(';') >= 0) {
            return new Comparison(listsMatch(answer, groundTruth), Branch.LIST);
        }
        return new Comparison(normalize(answer, true).equals(normalize(groundTruth, true)), Branch.STRING);
    }

    /** {@code normalize_number_str}: drop {@code $ % ,}, parse as Python does, +∞ when that fails. */
    static double normalizeNumber(String text) {
        String stripped = text.replace("$", "").replace("%", "").replace(",", "");
        return PythonFloat.parse(stripped).orElse(Double.POSITIVE_INFINITY);
    }

    /** {@code normalize_str}: remove every (Unicode) whitespace character, lowercase, optionally drop ASCII punctuation. */
    static String normalize(String text, boolean removePunctuation) {
        StringBuilder noSpaces = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !PythonFloat.isSpace(cp)).forEach(noSpaces::appendCodePoint);
        String lower = noSpaces.toString().toLowerCase(Locale.ROOT);
        if (!removePunctuation) {
            return lower;
        }
        StringBuilder out = new StringBuilder(lower.length());
        lower.codePoints().filter(cp -> ASCII_PUNCTUATION.indexOf(cp) < 0).forEach(out::appendCodePoint);
        return out.toString();
    }

    private static boolean listsMatch(String answer, String groundTruth) {
        String[] truthElements = SEPARATORS.split(groundTruth, -1);
        String[] answerElements = SEPARATORS.split(answer, -1);
        if (truthElements.length != answerElements.length) {
            return false;
        }
        for (int i = 0; i < truthElements.length; i++) {
            OptionalDouble truthNumber = PythonFloat.parse(truthElements[i]);
            boolean equal = truthNumber.isPresent()
                    ? normalizeNumber(answerElements[i]) == truthNumber.getAsDouble()
                    : normalize(answerElements[i], false).equals(normalize(truthElements[i], false));
            if (!equal) {
                return false;
            }
        }
        return true;
    }
}
