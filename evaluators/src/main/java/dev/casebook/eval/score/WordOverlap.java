package dev.casebook.eval.score;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Shared text handling of the overlap scorers: Python's {@code str.split()} and ASCII punctuation. */
final class WordOverlap {
    static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private WordOverlap() {
    }

    /** Python's {@code text.split()}: split on runs of Unicode whitespace, no empty pieces. */
    static List<String> words(String text) {
        StringBuilder spaced = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (PythonFloat.isSpace(cp)) {
                spaced.append(' ');
            } else {
                spaced.appendCodePoint(cp);
            }
        });
        return Arrays.stream(spaced.toString().split(" ")).filter(w -> !w.isEmpty()).toList();
    }

    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    static boolean isPunctuation(int codePoint) {
        return ASCII_PUNCTUATION.indexOf(codePoint) >= 0;
    }

    static double f1(int common, int predictionSize, int goldSize) {
        if (common == 0) {
            return 0;
        }
        double precision = (double) common / predictionSize;
        double recall = (double) common / goldSize;
        return 2 * precision * recall / (precision + recall);
    }
}
