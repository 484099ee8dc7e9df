package dev.casebook.server.synthesis;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Experience synthesis, bound from {@code casebook.synthesis.*}.
 *
 * @param groundingExamples  K, the real transitions most like the simulated call that the experience model is shown
 *                           (default 4; 0 for none)
 * @param experienceAttempts experience model calls per simulated step while its reply is not the JSON asked for;
 *                           then the step fails as a tool failure the agent sees (default 3)
 * @param historySteps       the latest simulated steps of the episode the experience model is shown (default 12)
 * @param callTimeout        time one experience model call may take, its retries included (default 120 s; a
 *                           simulated tool call also never outlasts the tool time-out of the agent)
 * @param maxConcurrency     the largest concurrency a dream job may ask for (default 64)
 * @param maxRollouts        the largest rollout budget of one job (default 10,000)
 * @param replay             the replay buffer of real transitions
 * @param maxTenantRollouts  the most rollouts a tenant's unfinished jobs may still run, a new job's budget included
 *                           (default 50,000)
 * @param minRewardAgreement the experience model's measured reward agreement ({@code POST /api/synthesis/fidelity})
 *                           below which a tenant's tasks are not shown synthetic cases (default 0.8; 0 never gates)
 * @param policyWeight       the weight with which a dream's reward (the experience model's) trains the learned
 *                           policy, against 1 for a real or validated reward (default 0.25; 0 = dreams do not train
 *                           it)
 * @param syntheticPrior     the factor by which the similarity of a synthetic case that no real outcome confirmed
 *                           yet is multiplied when cases are selected (default 0.9; 1 = no discount)
 * @param maxProvisional     at most this many synthetic cases that no real outcome confirmed yet among the K a task
 *                           is shown; the next candidate of another kind takes the place (default 2; 64 = no bound;
 *                           0 = only confirmed synthetic cases are shown)
 * @param refute             whether a real task's rated reward below 0.5 refutes the unconfirmed synthetic cases it
 *                           was shown, so that they are not shown again (default true; false = no case is refuted from
 *                           now on, and those refuted before stay hidden)
 */
@ConfigurationProperties("casebook.synthesis")
record SynthesisSettings(Integer groundingExamples, Integer experienceAttempts, Integer historySteps,
        Duration callTimeout, Integer maxConcurrency, Integer maxRollouts, Replay replay, Integer maxTenantRollouts,
        Double minRewardAgreement, Double policyWeight, Double syntheticPrior, Integer maxProvisional,
        Boolean refute) {

    public static final SynthesisSettings DEFAULT = new SynthesisSettings(null, null, null, null, null, null, null,
            null, null, null, null, null, null);

    public SynthesisSettings {
        groundingExamples = within("grounding-examples", groundingExamples, 4, 0, 32);
        experienceAttempts = within("experience-attempts", experienceAttempts, 3, 1, 10);
        historySteps = within("history-steps", historySteps, 12, 1, 200);
        callTimeout = positive("call-timeout", callTimeout, Duration.ofSeconds(120));
        maxConcurrency = within("max-concurrency", maxConcurrency, 64, 1, 1024);
        maxRollouts = within("max-rollouts", maxRollouts, 10_000, 1, 1_000_000);
        replay = replay == null ? Replay.DEFAULT : replay;
        maxTenantRollouts = within("max-tenant-rollouts", maxTenantRollouts, Math.max(50_000, maxRollouts),
                maxRollouts, Integer.MAX_VALUE);
        minRewardAgreement = minRewardAgreement == null ? 0.8 : minRewardAgreement;
        if (!(minRewardAgreement >= 0 && minRewardAgreement <= 1)) {
            throw new IllegalArgumentException("casebook.synthesis.min-reward-agreement must be within [0, 1], was "
                    + minRewardAgreement);
        }
        policyWeight = policyWeight == null ? 0.25 : policyWeight;
        if (!(policyWeight >= 0 && policyWeight <= 1)) {
            throw new IllegalArgumentException("casebook.synthesis.policy-weight must be within [0, 1], was "
                    + policyWeight);
        }
        syntheticPrior = syntheticPrior == null ? 0.9 : syntheticPrior;
        if (!(syntheticPrior > 0 && syntheticPrior <= 1)) {
            throw new IllegalArgumentException("casebook.synthesis.synthetic-prior must be within (0, 1], was "
                    + syntheticPrior);
        }
        maxProvisional = within("max-provisional", maxProvisional, 2, 0, 64);
        refute = refute == null || refute;
    }

    /**
     * The replay buffer ({@code casebook.synthesis.replay.*}).
     *
     * @param maxTransitions     transitions kept per tenant; beyond it the oldest go (default 10,000)
     * @param maxObservationChars a real tool result is kept up to this many characters (default 2,000)
     * @param ingestInterval     how often this instance reads the tasks that finished since (default 30 s; also before
     *                           every dream job starts)
     */
    public record Replay(Integer maxTransitions, Integer maxObservationChars, Duration ingestInterval) {
        static final Replay DEFAULT = new Replay(null, null, null);

        public Replay {
            maxTransitions = within("replay.max-transitions", maxTransitions, 10_000, 1, 1_000_000);
            maxObservationChars = within("replay.max-observation-chars", maxObservationChars, 2_000, 100, 100_000);
            ingestInterval = positive("replay.ingest-interval", ingestInterval, Duration.ofSeconds(30));
        }
    }

    private static int within(String key, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    "casebook.synthesis." + key + " must be within [" + min + ", " + max + "], was " + v);
        }
        return v;
    }

    private static Duration positive(String key, Duration value, Duration fallback) {
        Duration v = value == null ? fallback : value;
        if (v.isNegative() || v.isZero()) {
            throw new IllegalArgumentException("casebook.synthesis." + key + " must be positive, was " + v);
        }
        return v;
    }
}
