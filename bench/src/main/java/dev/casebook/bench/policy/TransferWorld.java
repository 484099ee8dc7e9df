package dev.casebook.bench.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The synthesis-transfer simulator's world (a simulation, not real tasks), after {@link SimulatedWorld}: task
 * families with a wording direction; a case is a vector (what its task says) and a truth: the family whose plan it
 * holds, whether that plan works, and where it came from. The simulated LLM succeeds with {@link SimulatedWorld#BASE},
 * plus {@link SimulatedWorld#HELP} when an example shown to it holds a working plan of the task's family, minus
 * {@link SimulatedWorld#MISLEAD} when an example shown to it looks like the task (cosine ≥ {@link #RELEVANT}) but holds
 * a plan that does not solve it; an example unlike the task is ignored.
 */
final class TransferWorld {
    static final double RELEVANT = 0.5;
    static final int SEEN = 20;
    static final int UNSEEN = 10;

    /** What the simulator knows of a case; {@code planFamily} is the family its plan solves, -1 for none. */
    record Case(float[] vector, int planFamily, boolean positive, boolean synthetic, boolean realOutcome) {
        /** Mutable confirmation state is kept by the memory, not here. */
    }

    /** A synthetic case's kind: the truth of what the simulated experience model wrote. */
    enum Kind { HELPFUL, REWARD_ERROR, OBSERVATION_ERROR }

    private final int dimension;
    private final float[][] wording;
    private final Random random;

    TransferWorld(int dimension, long seed) {
        this.dimension = dimension;
        this.random = new Random(seed);
        this.wording = new float[SEEN + UNSEEN][];
        for (int f = 0; f < wording.length; f++) {
            wording[f] = SimulatedWorld.unit(gaussian(1.0));
        }
    }

    int families() {
        return wording.length;
    }

    /** A task of {@code family}: its wording plus a little noise. */
    float[] task(int family, Random noise) {
        return near(wording[family], 0.15, noise);
    }

    /**
     * A case written by the simulated experience model for a task of {@code family}: with probability {@code f} it
     * truly helps (right family, working plan); otherwise, half the time a reward error (the family's wording, a plan
     * that does not work, rewarded 1) and half the time an observation error (a look-alike: worded between the family
     * and another, holding the other family's plan).
     */
    Case synthetic(int family, double f, Random r) {
        double u = r.nextDouble();
        if (u < f) {
            return new Case(near(wording[family], 0.3, r), family, true, true, false);
        }
        if (u < f + (1 - f) / 2) {
            return new Case(near(wording[family], 0.3, r), -1, true, true, false);
        }
        int other = (family + 1 + r.nextInt(SEEN - 1)) % SEEN;
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = 0.75f * wording[family][i] + 0.25f * wording[other][i];
        }
        return new Case(near(SimulatedWorld.unit(v), 0.3, r), other, true, true, false);
    }

    /** A real case of {@code family}: the task as it was worded and the plan that solved it. */
    Case real(int family, Random r) {
        return new Case(near(wording[family], 0.3, r), family, true, false, true);
    }

    /** The case a real episode leaves: its task and, when it was solved, its working plan. */
    Case episode(float[] task, int family, boolean solved) {
        return new Case(task, solved ? family : -1, solved, false, true);
    }

    /** The success probability of a task of {@code family} shown these examples. */
    static double successProbability(float[] task, int family, List<Case> examples) {
        boolean helps = false;
        boolean misleads = false;
        for (Case c : examples) {
            if (cosine(task, c.vector()) < RELEVANT) {
                continue;
            }
            helps |= c.planFamily() == family;
            misleads |= c.planFamily() != family;
        }
        return Math.clamp(SimulatedWorld.BASE + (helps ? SimulatedWorld.HELP : 0)
                - (misleads ? SimulatedWorld.MISLEAD : 0), 0.02, 0.98);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot; // unit vectors
    }

    private float[] near(float[] base, double noise, Random r) {
        float[] v = base.clone();
        for (int i = 0; i < dimension; i++) {
            v[i] += (float) (noise / Math.sqrt(dimension) * r.nextGaussian() * 3);
        }
        return SimulatedWorld.unit(v);
    }

    private float[] gaussian(double scale) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) (scale * random.nextGaussian());
        }
        return v;
    }

    static List<Case> list() {
        return new ArrayList<>();
    }
}
