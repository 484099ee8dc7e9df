package dev.casebook.memory.policy.learned;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A case's record <em>on tasks near the one at hand</em>, from the replay buffer, in place of its global uses and
 * successes. A case's global record pools every task it was shown to: a case that helps its own family has a good
 * record and is drawn for any task once that record outweighs similarity. Weighing each past example by how near its
 * task is to this one ({@code max(0, cos)^power}) ties the record to the task: a look-alike shown to this family's
 * tasks and failing has a bad local record, the helpful case shown to them a good one, and a case never shown near
 * here has none (the network and the similarity prior decide, widely).
 *
 * <p>The second use is <em>candidates by value</em>: the shortlist is the store's N most similar cases, and a case
 * that helps this family while worded differently may not be among them; {@code addedCandidates} cases that succeeded
 * on near tasks (among the buffer's {@link #CANDIDATE_SCAN} newest examples, by kernel-weighted successes, at least
 * {@link #MIN_ADDED_SUCCESSES}) are added to it.
 *
 * @param power           the kernel's exponent: the higher, the nearer a past task must be to count
 * @param perCase         how many of a case's newest replay examples are weighed; 0 keeps the global record. Bounds
 *                        the cost of a selection (shortlist × perCase cosines)
 * @param addedCandidates how many cases that succeeded on near tasks are added to the shortlist; 0 adds none
 */
public record LocalEvidence(double power, int perCase, int addedCandidates) {

    /** The global record, nothing added: the policy as before. */
    public static final LocalEvidence OFF = new LocalEvidence(16, 0, 0);

    /** How many of the buffer's newest examples the search for added candidates scans. */
    static final int CANDIDATE_SCAN = 2048;

    /** The kernel-weighted successes a case needs on near tasks to be added: about one near success. */
    static final double MIN_ADDED_SUCCESSES = 0.5;

    public LocalEvidence {
        if (!(power > 0) || Double.isInfinite(power)) {
            throw new IllegalArgumentException("kernel power must be finite and > 0, was " + power);
        }
        if (perCase < 0 || addedCandidates < 0) {
            throw new IllegalArgumentException("perCase and addedCandidates must not be negative, were " + perCase
                    + " and " + addedCandidates);
        }
    }

    /** Local records weighing each case's {@code perCase} newest examples with the kernel {@code cos^power}. */
    public static LocalEvidence records(double power, int perCase) {
        return new LocalEvidence(power, perCase, 0);
    }

    /** These settings, adding up to {@code addedCandidates} cases by value to the shortlist. */
    public LocalEvidence withAddedCandidates(int addedCandidates) {
        return new LocalEvidence(power, perCase, addedCandidates);
    }

    /** Whether records are local (else each case's global uses and successes). */
    public boolean localRecords() {
        return perCase > 0;
    }

    /** How much a past example whose task has cosine {@code cosine} with this task counts. */
    double kernel(double cosine) {
        return cosine <= 0 ? 0 : Math.pow(cosine, power);
    }

    /**
     * A case's record on tasks near {@code state}: each example counts its kernel weight times its own weight, as a
     * success when its reward was 1, else as a failure.
     */
    Tally tally(float[] state, List<ReplayExample> examples) {
        return tally(state, examples, new HashMap<>());
    }

    /**
     * As {@link #tally(float[], List)}, the kernel weights of episodes kept in {@code kernelByEpisode}: the cases
     * shown together share their episode's task, so one selection computes each episode's cosine once.
     */
    Tally tally(float[] state, List<ReplayExample> examples, Map<Long, Double> kernelByEpisode) {
        double trials = 0;
        double successes = 0;
        for (ReplayExample e : examples) {
            double w = weight(e, state, kernelByEpisode);
            trials += w;
            successes += e.reward() >= 0.5 ? w : 0;
        }
        return new Tally(trials, successes);
    }

    /**
     * How much example {@code e} counts for a task at {@code state}: its kernel weight times its own weight, the
     * kernel kept per episode in {@code kernelByEpisode} (the cases shown together share their episode's task, so one
     * selection computes each episode's cosine once; an example of no episode is computed on its own).
     */
    double weight(ReplayExample e, float[] state, Map<Long, Double> kernelByEpisode) {
        double k = e.episode() == ReplayExample.NO_EPISODE ? kernel(e.cosineTo(state))
                : kernelByEpisode.computeIfAbsent(e.episode(), episode -> kernel(e.cosineTo(state)));
        return k * e.weight();
    }

    /** A (possibly weighted) record: trials and the successes among them. */
    record Tally(double trials, double successes) {

        Tally {
            if (!(trials >= 0 && successes >= 0 && successes <= trials + 1e-9)) {
                throw new IllegalArgumentException("need 0 <= successes <= trials, was " + successes + "/" + trials);
            }
        }
    }
}
