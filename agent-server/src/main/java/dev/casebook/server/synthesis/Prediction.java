package dev.casebook.server.synthesis;

import java.util.Objects;

/** What the experience model made of one simulated tool call. */
sealed interface Prediction {

    /** Tokens of all the calls it took. */
    long tokens();

    /**
     * The next observation, as the tool would write it.
     *
     * @param reward null when the model could not tell yet
     */
    record Predicted(String observation, Double reward, boolean done, String reasoning, int attempts, long tokens)
            implements Prediction {
        public Predicted {
            Objects.requireNonNull(observation, "observation");
            Objects.requireNonNull(reasoning, "reasoning");
        }
    }

    /** No reply of the model was the JSON asked for; {@code problem} says what was wrong with the last one. */
    record Unusable(String problem, int attempts, long tokens) implements Prediction {
    }
}
