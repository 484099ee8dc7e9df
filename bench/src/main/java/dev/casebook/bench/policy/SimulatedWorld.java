package dev.casebook.bench.policy;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory-learning simulator's world (a simulation, not real tasks): tasks come from latent families; each family
 * has a wording direction (what the task says) and a solution direction (what solves it). Memory holds, per family,
 * helpful cases (same family, successful plan) and failed ones; for a <em>misleading</em> family it also holds decoys:
 * successful cases of other families worded almost exactly like the family's tasks, so they are the most similar
 * cases to its tasks. For the other families the helpful cases are also the most similar.
 *
 * <p>The simulated LLM succeeds with {@link #BASE} probability, plus {@link #HELP} when a helpful case is among the
 * examples it is shown, minus {@link #MISLEAD} when a case of another family is among them.
 */
final class SimulatedWorld {

    static final double BASE = 0.35;
    static final double HELP = 0.4;
    static final double MISLEAD = 0.25;
    static final String TENANT = "simulator";

    /** What the simulator knows about a case. */
    record CaseTruth(int family, boolean successful, float[] vector) {
    }

    private final int dimension;
    private final int families;
    private final int misleading;
    private final Random random;
    private final float[][] wording;
    private final float[][] solution;
    private final Map<UUID, CaseTruth> truths = new HashMap<>();
    private final List<Case> cases = new ArrayList<>();

    SimulatedWorld(int dimension, int families, int misleading, long seed) {
        this.dimension = dimension;
        this.families = families;
        this.misleading = misleading;
        this.random = new Random(seed);
        this.wording = new float[families][];
        this.solution = new float[families][];
        for (int f = 0; f < families; f++) {
            wording[f] = unit(gaussian(1.0));
            solution[f] = unit(gaussian(1.0));
        }
        for (int f = 0; f < families; f++) {
            double helpfulDistance = isMisleading(f) ? 1.0 : 0.3;
            for (int i = 0; i < 4; i++) {
                add(f, true, mix(wording[f], solution[f], helpfulDistance), "how to do " + f + " #" + i);
            }
            for (int i = 0; i < 2; i++) {
                add(f, false, mix(wording[f], solution[f], 0.8), "failed attempt at " + f + " #" + i);
            }
            if (isMisleading(f)) {
                for (int i = 0; i < 6; i++) {
                    int other = (f + 1 + random.nextInt(families - 1)) % families;
                    add(other, true, mix(wording[f], solution[other], 0.1), "look-alike of " + f + " #" + i);
                }
            }
        }
    }

    boolean isMisleading(int family) {
        return family < misleading;
    }

    int families() {
        return families;
    }

    int dimension() {
        return dimension;
    }

    List<Case> cases() {
        return List.copyOf(cases);
    }

    CaseTruth truth(UUID id) {
        return truths.get(id);
    }

    /** A task of {@code family}: its wording plus a little noise. */
    float[] task(int family, Random noise) {
        float[] v = wording[family].clone();
        for (int i = 0; i < dimension; i++) {
            v[i] += (float) (0.15 / Math.sqrt(dimension) * noise.nextGaussian());
        }
        return unit(v);
    }

    /** The success probability of a task of {@code family} whose prompt shows these example cases. */
    double successProbability(int family, List<UUID> examples) {
        return successProbability(family, examples, List.of());
    }

    /**
     * The success probability of a task of {@code family} whose prompt shows these example cases and these insights
     * (texts as the distiller wrote them). An insight whose "do" names the family's solution ({@link #plan}) helps as
     * a helpful example does; one naming another family's solution misleads as an example of another family does;
     * an example whose family's solution an insight says to avoid no longer misleads (unless
     * {@link #avoidApplies} is off, the ablation).
     */
    double successProbability(int family, List<UUID> examples, List<String> insights) {
        boolean helps = false;
        boolean misleads = false;
        Set<Integer> avoided = new HashSet<>();
        for (String insight : insights) {
            Matcher does = DO.matcher(insight);
            if (does.find()) {
                int named = Integer.parseInt(does.group(1));
                helps |= named == family;
                misleads |= named != family;
            }
            int avoid = insight.indexOf("avoid:");
            if (avoid >= 0 && avoidApplies) {
                Matcher plans = PLAN.matcher(insight.substring(avoid));
                while (plans.find()) {
                    avoided.add(Integer.parseInt(plans.group(1)));
                }
            }
        }
        for (UUID id : examples) {
            CaseTruth t = truths.get(id);
            if (t == null) {
                continue;
            }
            helps |= t.family() == family && t.successful();
            misleads |= t.family() != family && !avoided.contains(t.family());
        }
        return Math.clamp(BASE + (helps ? HELP : 0) - (misleads ? MISLEAD : 0), 0.02, 0.98);
    }

    private static final Pattern DO = Pattern.compile("do: plan for family (\\d+)");
    private static final Pattern PLAN = Pattern.compile("plan for family (\\d+)");

    /** Whether an insight's "avoid" list neutralises the examples it names (on; off for the ablation). */
    boolean avoidApplies = true;

    /** The plan that solves {@code family}: what a successful episode of it did (and its helpful cases' plan). */
    static String plan(int family) {
        return "plan for family " + family;
    }

    /**
     * The plan an episode of {@code family} ran: the family's solution when it succeeded, else the first example's
     * plan (it followed that example), else a guess.
     */
    String planOf(int family, boolean success, List<UUID> examples) {
        if (success) {
            return plan(family);
        }
        return examples.isEmpty() || truths.get(examples.getFirst()) == null ? "a guess"
                : plan(truths.get(examples.getFirst()).family());
    }

    private void add(int family, boolean successful, float[] vector, String task) {
        Case c = Case.of(TENANT, task, plan(family), "", successful ? 1 : 0, CaseSource.SYNTHETIC);
        cases.add(c);
        truths.put(c.id(), new CaseTruth(family, successful, vector));
    }

    private float[] mix(float[] base, float[] direction, double weight) {
        float[] v = base.clone();
        float[] noise = gaussian(0.1 / Math.sqrt(dimension));
        for (int i = 0; i < dimension; i++) {
            v[i] += (float) (weight * direction[i]) + noise[i];
        }
        return unit(v);
    }

    private float[] gaussian(double scale) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inverse;
        }
        return v;
    }
}
