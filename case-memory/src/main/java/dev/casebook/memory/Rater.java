package dev.casebook.memory;

import java.util.Locale;

/**
 * Who gave the reward of a piece of {@link Evidence}. Feedback, scorer and validator are <em>rated</em> outcomes: a
 * person, a gold answer or an executable check judged the episode. The experience model's reward is a simulation;
 * an unrated reward is the provisional one an episode is written with before anyone judged it.
 */
public enum Rater {
    FEEDBACK(3),
    SCORER(2),
    VALIDATOR(2),
    EXPERIENCE_MODEL(1),
    UNRATED(0);

    private final int rank;

    Rater(int rank) {
        this.rank = rank;
    }

    /**
     * Feedback (a person's word) outranks scorer and validator, which outrank the experience model, which outranks
     * unrated; scorer and validator are peers.
     */
    public int rank() {
        return rank;
    }

    public boolean rated() {
        return rank >= 2;
    }

    /** Parses {@code feedback}, {@code scorer}, {@code validator}, {@code experience-model}, {@code unrated}. */
    public static Rater parse(String text) {
        String normalised = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return valueOf(normalised);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rater must be one of feedback, scorer, validator, experience-model,"
                    + " unrated, was '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
