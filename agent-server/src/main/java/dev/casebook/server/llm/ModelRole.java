package dev.casebook.server.llm;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The part a model plays. Its wire name ({@link #wireName()}, also {@link #toString()}) is how settings
 * ({@code casebook.models.<role>.*}), run and dream requests ({@code "models": {"judge": ...}}), stored runs, the
 * status page and the metrics' {@code role} tag name it.
 */
public enum ModelRole {
    PLANNER, EXECUTOR, JUDGE,
    /** The world model of dream rollouts ({@code dev.casebook.server.synthesis}). */
    EXPERIENCE;

    /** The roles of the agent and its scorers, in the order they are listed: what an evaluation run may choose. */
    public static final List<ModelRole> RUN = List.of(PLANNER, EXECUTOR, JUDGE);
    /** The agent's roles and the experience model: what a dream job may choose. */
    public static final List<ModelRole> DREAM = List.of(PLANNER, EXECUTOR, JUDGE, EXPERIENCE);

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role of this wire name.
     *
     * @throws IllegalArgumentException naming the roles there are
     */
    public static ModelRole parse(String wireName) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(wireName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown role '" + wireName + "'; roles: " + DREAM));
    }

    @Override
    public String toString() {
        return wireName();
    }
}
