package dev.casebook.memory.policy.learned;

/**
 * How an episode's reward is credited to the cases it showed when the network trains.
 *
 * <ul>
 *   <li>{@link #CASE}: every shown case gets the episode's reward as its own binary label (binary cross-entropy per
 *       case), whatever else was shown beside it. The first version of this policy.</li>
 *   <li>{@link #CASE_IPW}: the same loss, each example weighted by the inverse of the probability that the policy
 *       would show that case for that task (estimated when it selected, {@link InclusionPropensities}), clipped at
 *       {@link #IPW_CLIP} and normalised to mean 1 over the mini-batch: cases shown often because they were
 *       favoured do not dominate what is learned about them.</li>
 *   <li>{@link #SLATE}: listwise, per episode: the episode succeeds unless every shown case fails to make it
 *       succeed, {@code P = 1 − Π (1 − σ(Q_i))} (noisy-OR), trained by binary cross-entropy on the episode's
 *       reward. A success is explained by the case most likely to have caused it, so a look-alike shown beside a
 *       helpful case is credited little for it (explaining away); a failure lowers every shown case.</li>
 * </ul>
 */
public enum Credit {
    CASE, CASE_IPW, SLATE;

    /** Largest inverse-propensity weight before normalisation. */
    public static final double IPW_CLIP = 10;
}
