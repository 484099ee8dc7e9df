package dev.casebook.server.synthesis;

/** The experience model's verdict on how a dream episode ended. */
sealed interface Judgement {

    long tokens();

    /** The episode's outcome reward, within [0, 1]. */
    record Rated(double reward, String reasoning, long tokens) implements Judgement {
    }

    /** No usable verdict: the rollout keeps no reward. */
    record Unrated(String problem, long tokens) implements Judgement {
    }
}
