package dev.casebook.bench.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.policy.learned.LearnedPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Counterfactual (off-policy) evaluation on the simulator's logs: the logging arm's selections in the final quarter
 * of each seed (state, shortlist with the counts of that time, the set of cases shown, its reward, and the
 * probability that the logging policy, as it was then, would show that set), and for each target arm the value its
 * final policy would have had on those episodes, estimated without running the world again by self-normalised,
 * clipped importance sampling over whole selections:
 * {@code V = Σ w·r / Σ w} with {@code w = min(CLIP, π(set) / μ(set))}. Both probabilities are estimated by
 * repeating the selection ({@link LearnedPolicy#selectionProbability}). The interval is Student's t over the
 * per-seed estimates, like the online curves; the effective sample size {@code (Σw)² / Σw²} says how much of the
 * log a target's estimate really rests on.
 */
final class CounterfactualEvaluation {

    static final double CLIP = 100;
    /** Draws per selection probability, unless {@code --ope-draws} says otherwise. */
    static final int DRAWS = 400;

    /** One logged selection. */
    record Logged(float[] state, List<Case> shortlist, int k, Set<UUID> shown, boolean success, double propensity) {
    }

    /** One target's estimate on one seed. */
    record Estimate(double value, double effectiveSize, int episodes) {
    }

    private final String loggingArm;
    private final int draws;
    private final Map<Long, List<Logged>> logs = new LinkedHashMap<>();
    private final Map<String, Map<Long, Estimate>> estimates = new LinkedHashMap<>();

    CounterfactualEvaluation(String loggingArm, int draws) {
        if (draws < 1) {
            throw new IllegalArgumentException("--ope-draws must be at least 1, got " + draws);
        }
        this.loggingArm = loggingArm;
        this.draws = draws;
    }

    String loggingArm() {
        return loggingArm;
    }

    /** Draws of the policy's selection from which a selection probability is estimated. */
    int draws() {
        return draws;
    }

    boolean logs(String arm) {
        return arm.equals(loggingArm);
    }

    void log(long seed, Logged logged) {
        logs.computeIfAbsent(seed, s -> new ArrayList<>()).add(logged);
    }

    /** Estimates the value of {@code policy} as it is now (the end of its run) on the logs of {@code seed}. */
    void evaluate(String arm, long seed, LearnedPolicy policy) {
        List<Logged> log = logs.getOrDefault(seed, List.of());
        if (log.isEmpty()) {
            return;
        }
        double weights = 0;
        double weighted = 0;
        double squares = 0;
        long draw = seed * 104_729;
        for (Logged l : log) {
            double target = policy.selectionProbability(l.state(), l.shortlist(), l.k(), l.shown(), draws, draw++);
            double w = Math.min(CLIP, target / l.propensity());
            weights += w;
            weighted += w * (l.success() ? 1 : 0);
            squares += w * w;
        }
        Estimate e = new Estimate(weights == 0 ? Double.NaN : weighted / weights,
                squares == 0 ? 0 : weights * weights / squares, log.size());
        estimates.computeIfAbsent(arm, a -> new LinkedHashMap<>()).put(seed, e);
    }

    String format(LearningCurves curves) {
        StringBuilder out = new StringBuilder(String.format("counterfactual evaluation on the logs of '%s' (final"
                + " quarter of each seed; self-normalised importance sampling over whole selections, weights"
                + " clipped at %.0f, selection probabilities from %d repeated draws), all families:%n", loggingArm,
                CLIP, draws));
        out.append(String.format("  %-18s %-28s %-28s %s%n", "target (final)", "online final rate",
                "counterfactual estimate", "effective sample / logged"));
        for (Map.Entry<String, Map<Long, Estimate>> target : estimates.entrySet()) {
            List<Estimate> perSeed = List.copyOf(target.getValue().values());
            LearningCurves.Interval value = LearningCurves.Interval.of(
                    perSeed.stream().mapToDouble(Estimate::value).filter(v -> !Double.isNaN(v)).toArray());
            double ess = perSeed.stream().mapToDouble(Estimate::effectiveSize).average().orElse(0);
            double logged = perSeed.stream().mapToInt(Estimate::episodes).average().orElse(0);
            out.append(String.format("  %-18s %-28s %-28s %.1f / %.0f%n", target.getKey(),
                    curves.finalRate(target.getKey(), null).format(), value.format(), ess, logged));
        }
        return out.toString();
    }
}
