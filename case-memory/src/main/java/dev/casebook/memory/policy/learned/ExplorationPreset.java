package dev.casebook.memory.policy.learned;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The named explorations a deployment may choose, each exactly what one arm of the memory-learning simulator builds
 * with its default knobs (the bench takes its knobs' defaults from here, and a bench test checks each preset against
 * its arm), so a name means the same thing in the server and in {@code docs/policy.md}'s tables.
 */
public enum ExplorationPreset {

    /** Softmax over Q with the policy's temperature (arm {@code learned}); the default. */
    SOFTMAX("softmax"),
    /** Thompson sampling over each case's Beta posterior, global records (arm {@code learned-ts}). */
    THOMPSON("thompson"),
    /**
     * Thompson sampling on each case's record near this task, the similarity prior fading towards the shortlist's
     * highest as that record grows (arm {@code learned-ts-local-top}).
     */
    THOMPSON_LOCAL_TOP("thompson-local-top"),
    /**
     * As {@link #THOMPSON_LOCAL_TOP}, and clusters of look-alikes in the shortlist left out as one choice when their
     * sampled effect near here is negative (arm {@code learned-ts-local-top-cl}); experimental.
     */
    THOMPSON_LOCAL_TOP_CLUSTERS("thompson-local-top-clusters");

    /** The posterior's spread: 1 is plain Thompson sampling. */
    public static final double STRENGTH = 1;

    /** How many episodes the network's estimate is worth against a case's own evidence. */
    public static final double PRIOR_STRENGTH = 4;

    /** Local records: kernel power 16 over each case's 64 newest replay examples. */
    public static final LocalEvidence LOCAL_RECORDS = LocalEvidence.records(16, 64);

    /** The cosine that joins a cluster's leader; tuned on the simulator's embedding space, not on real embeddings. */
    public static final double CLUSTER_THRESHOLD = 0.9;

    private final String configName;

    ExplorationPreset(String configName) {
        this.configName = configName;
    }

    /** The name a configuration uses ({@code thompson-local-top}). */
    public String configName() {
        return configName;
    }

    /**
     * The preset a configuration names.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static ExplorationPreset named(String name) {
        return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown exploration '" + name + "'; known: "
                        + Arrays.stream(values()).map(ExplorationPreset::configName)
                                .collect(Collectors.joining(", "))));
    }

    /** This preset's exploration; {@code clusterThreshold} counts only for {@link #THOMPSON_LOCAL_TOP_CLUSTERS}. */
    public Exploration exploration(double clusterThreshold) {
        Exploration localTop = Exploration.thompson(STRENGTH, PRIOR_STRENGTH).withLocalEvidence(LOCAL_RECORDS)
                .withFade(Exploration.Fade.TO_TOP);
        return switch (this) {
            case SOFTMAX -> Exploration.SOFTMAX;
            case THOMPSON -> Exploration.thompson(STRENGTH, PRIOR_STRENGTH);
            case THOMPSON_LOCAL_TOP -> localTop;
            case THOMPSON_LOCAL_TOP_CLUSTERS -> localTop.withClusters(clusterThreshold);
        };
    }
}
