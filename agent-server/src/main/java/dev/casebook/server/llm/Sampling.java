package dev.casebook.server.llm;

/**
 * Sampling parameters a client asked for, sent with each call of a task's planner and executor; a null parameter is
 * left to the endpoint's default.
 *
 * @param temperature      0 to 2
 * @param topP             nucleus sampling, above 0 up to 1
 * @param presencePenalty  -2 to 2
 * @param frequencyPenalty -2 to 2
 */
public record Sampling(Double temperature, Double topP, Double presencePenalty, Double frequencyPenalty) {
    /** Every parameter left to the endpoint. */
    public static final Sampling DEFAULT = new Sampling(null, null, null, null);

    public Sampling {
        check("temperature", temperature, 0, 2, true);
        check("top_p", topP, 0, 1, false);
        check("presence_penalty", presencePenalty, -2, 2, true);
        check("frequency_penalty", frequencyPenalty, -2, 2, true);
    }

    private static void check(String name, Double value, double min, double max, boolean minIncluded) {
        if (value == null) {
            return;
        }
        boolean aboveMin = minIncluded ? value >= min : value > min;
        if (value.isNaN() || !aboveMin || value > max) {
            throw new IllegalArgumentException("'" + name + "' must be within " + (minIncluded ? "[" : "(") + min
                    + ", " + max + "], was " + value);
        }
    }
}
