package dev.casebook.memory;

import java.util.Locale;

/** Whether a case is an example to follow or a pitfall to avoid. */
public enum CaseLabel {
    POSITIVE,
    NEGATIVE;

    /** Rewards of at least 0.5 make a positive case. */
    public static CaseLabel fromReward(double reward) {
        return reward >= 0.5 ? POSITIVE : NEGATIVE;
    }

    /** Parses {@code positive} / {@code negative} in any case. */
    public static CaseLabel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("label must be 'positive' or 'negative', was '" + text + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
