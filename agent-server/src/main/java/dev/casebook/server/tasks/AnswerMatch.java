package dev.casebook.server.tasks;

import java.text.Normalizer;
import java.util.Locale;

/** Exact match after normalisation: a correct answer given as feedback becomes reward 1 or 0. */
final class AnswerMatch {
    private AnswerMatch() {
    }

    static double reward(String answer, String correct) {
        if (answer == null) {
            return 0;
        }
        String a = normalise(answer);
        String c = normalise(correct);
        if (a.equals(c)) {
            return 1;
        }
        try {
            return Double.parseDouble(a.replace(",", "")) == Double.parseDouble(c.replace(",", "")) ? 1 : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Lower case, accents and punctuation removed (decimal points kept), whitespace collapsed. */
    static String normalise(String text) {
        String s = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        s = s.toLowerCase(Locale.ROOT).replaceAll("(?<!\\d)\\.|\\.(?!\\d)", " ");
        s = s.replaceAll("[\\p{Punct}&&[^.,]]", " ").replaceAll("(?<!\\d),|,(?!\\d)", " ");
        return s.trim().replaceAll("\\s+", " ");
    }
}
