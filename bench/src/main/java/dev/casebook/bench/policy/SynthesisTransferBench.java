package dev.casebook.bench.policy;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * {@code ./casebook bench synthesis-transfer [--seeds=5] [--seed-base=1] [--synthetic=200] [--episodes=300] [--k=4]}: the
 * synthesis-transfer SIMULATOR (docs/synthesis.md). Phase 1: a simulated experience model writes S synthetic cases
 * over 20 task families; with probability f a case truly helps, otherwise it is a reward error or an observation
 * error ({@link TransferWorld#synthetic}). Phase 2: held-out real episodes over those 20 families plus 10 unseen
 * ones, read-write (each episode leaves a real case). Arms: memory off, real-seeded (S real cases), dream-seeded at
 * f = 0.9, 0.7, 0.5 with and without the guard of issue 15 (synthetic cases scored x 0.9 until a real success that
 * selected them confirms them, at most {@link #MAX_PROVISIONAL} of them among the K shown, and not selectable while the
 * measured reward agreement is below 0.8, and never again once a real episode that selected it while unconfirmed
 * failed: refutation), and dream plus 10 % real; then ablations of the guard on the dream plus 10 % real arm (without
 * the quota, without refutation, other quotas). Every real episode is rated here, so each one can confirm or refute;
 * in the server only a rated task does. Selection is top-K
 * by cosine similarity among the positive cases, as the similarity policy picks examples. Paired 95 % intervals over
 * seeds (Student's t).
 */
public final class SynthesisTransferBench {
    static final double PRIOR = 0.9;
    static final double MIN_AGREEMENT = 0.8;
    /** The server's {@code casebook.synthesis.max-provisional} default: unconfirmed synthetic cases among the K. */
    static final int MAX_PROVISIONAL = 2;
    /** The server's {@code casebook.synthesis.refute} default. */
    static final boolean REFUTE = true;
    static final int FIDELITY_SAMPLES = 50;
    static final int DIMENSION = 32;

    /**
     * How an arm's selection treats synthetic cases. The server's guard is the prior, the gate, at most
     * {@code maxProvisional} unconfirmed synthetic cases among the K and, with {@code refute}, refutation: an
     * unconfirmed synthetic case shown to a real episode that failed is not selected again ({@link #server()}).
     */
    record Guard(boolean on, int maxProvisional, boolean refute) {
        static final Guard NONE = new Guard(false, Integer.MAX_VALUE, false);
        /** The guard before the quota and refutation: prior and gate only. */
        static final Guard PRIOR_ONLY = new Guard(true, Integer.MAX_VALUE, false);

        static Guard server() {
            return new Guard(true, MAX_PROVISIONAL, REFUTE);
        }
    }

    /** One arm: how phase 1 fills memory and how its selection treats synthetic cases. */
    record Arm(String name, boolean memory, int real, int synthetic, double f, Guard guard) {
        boolean guarded() {
            return guard.on();
        }
    }

    /** Per-episode success of one arm on one seed, and which episodes were of unseen families. */
    record Run(boolean[] success, boolean[] unseen, boolean gateOpen) {
        double rate(int from, int to, boolean unseenOnly) {
            int n = 0;
            int s = 0;
            for (int i = from; i < Math.min(to, success.length); i++) {
                if (!unseenOnly || unseen[i]) {
                    n++;
                    s += success[i] ? 1 : 0;
                }
            }
            return n == 0 ? 0 : (double) s / n;
        }
    }

    private SynthesisTransferBench() {
    }

    public static void run(String[] args) {
        run(args, System.out);
    }

    static Map<String, List<Run>> run(String[] args, PrintStream out) {
        Args a = new Args(args);
        int seeds = a.getInt("--seeds", 5);
        int seedBase = a.getInt("--seed-base", 1);
        int synthetic = a.getInt("--synthetic", 200);
        int episodes = a.getInt("--episodes", 300);
        int k = a.getInt("--k", 4);
        List<Arm> arms = arms(synthetic);
        out.println("synthesis-transfer SIMULATOR: simulated task families, a simulated experience model and a simulated"
                + " LLM; these are not results of a real model (for one: ./casebook bench synthesis-real)");
        out.printf("S=%d synthetic cases over %d families; %d real episodes over those and %d unseen families,"
                + " read-write; K=%d; %d seeds; base success %.2f, +%.2f with a helpful example, -%.2f with a"
                + " look-alike example holding a wrong plan; guard: prior x%.1f until confirmed, at most %d unconfirmed"
                + " among the K, refutation %s, closed below a measured reward agreement of %.1f (%d re-judged"
                + " episodes); seeds %d-%d%n", synthetic, TransferWorld.SEEN, episodes, TransferWorld.UNSEEN, k,
                seeds, SimulatedWorld.BASE, SimulatedWorld.HELP, SimulatedWorld.MISLEAD, PRIOR, MAX_PROVISIONAL,
                REFUTE ? "on" : "off", MIN_AGREEMENT, FIDELITY_SAMPLES, seedBase, seedBase + seeds - 1);
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        for (Arm arm : arms) {
            List<Run> perSeed = new ArrayList<>();
            for (int seed = seedBase; seed < seedBase + seeds; seed++) {
                perSeed.add(runOne(arm, seed, episodes, k));
            }
            runs.put(arm.name(), perSeed);
        }
        out.print(format(runs, episodes));
        return runs;
    }

    /** The arms, then ablations of the guard (names starting with "ablation"). */
    static List<Arm> arms(int synthetic) {
        int tenth = synthetic / 10;
        return List.of(new Arm("off", false, 0, 0, 0, Guard.NONE),
                new Arm("no seed (read-write)", true, 0, 0, 0, Guard.NONE),
                new Arm("real-seeded", true, synthetic, 0, 0, Guard.NONE),
                new Arm("dream f=0.9", true, 0, synthetic, 0.9, Guard.NONE),
                new Arm("dream f=0.9 guarded", true, 0, synthetic, 0.9, Guard.server()),
                new Arm("dream f=0.7", true, 0, synthetic, 0.7, Guard.NONE),
                new Arm("dream f=0.7 guarded", true, 0, synthetic, 0.7, Guard.server()),
                new Arm("dream f=0.5", true, 0, synthetic, 0.5, Guard.NONE),
                new Arm("dream f=0.5 guarded", true, 0, synthetic, 0.5, Guard.server()),
                new Arm("dream f=0.9 + 10% real", true, tenth, synthetic, 0.9, Guard.server()),
                new Arm("ablation f=0.9: prior only", true, 0, synthetic, 0.9, Guard.PRIOR_ONLY),
                new Arm("ablation +10%: prior only", true, tenth, synthetic, 0.9, Guard.PRIOR_ONLY),
                new Arm("ablation +10%: no refutation", true, tenth, synthetic, 0.9,
                        new Guard(true, MAX_PROVISIONAL, false)),
                new Arm("ablation +10%: no quota", true, tenth, synthetic, 0.9,
                        new Guard(true, Integer.MAX_VALUE, REFUTE)),
                new Arm("ablation +10%: quota 1", true, tenth, synthetic, 0.9, new Guard(true, 1, REFUTE)),
                new Arm("ablation +10%: quota 3", true, tenth, synthetic, 0.9, new Guard(true, 3, REFUTE)));
    }

    static Run runOne(Arm arm, long seed, int episodes, int k) {
        TransferWorld world = new TransferWorld(DIMENSION, seed);
        Random phase1 = new Random(seed * 104_729 + arm.synthetic() + Math.round(arm.f() * 100));
        List<TransferWorld.Case> memory = new ArrayList<>();
        for (int i = 0; i < arm.real(); i++) {
            memory.add(world.real(i % TransferWorld.SEEN, phase1));
        }
        for (int i = 0; i < arm.synthetic(); i++) {
            memory.add(world.synthetic(i % TransferWorld.SEEN, arm.f(), phase1));
        }
        boolean gateOpen = true;
        if (arm.guard().on() && arm.synthetic() > 0) {
            int agree = 0;
            for (int i = 0; i < FIDELITY_SAMPLES; i++) {
                agree += phase1.nextDouble() < (1 - arm.f()) / 2 ? 0 : 1; // the reward-error rate of its cases
            }
            gateOpen = (double) agree / FIDELITY_SAMPLES >= MIN_AGREEMENT;
        }
        Set<TransferWorld.Case> confirmed = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<TransferWorld.Case> refuted = Collections.newSetFromMap(new IdentityHashMap<>());
        Random tasks = new Random(seed * 7_919); // the same stream of tasks and outcomes for every arm
        Random outcomes = new Random(seed * 31);
        boolean[] success = new boolean[episodes];
        boolean[] unseen = new boolean[episodes];
        for (int e = 0; e < episodes; e++) {
            int family = tasks.nextInt(world.families());
            float[] task = world.task(family, tasks);
            List<TransferWorld.Case> shown = arm.memory() ? select(memory, task, k, arm.guard(), gateOpen, confirmed, refuted)
                    : List.of();
            boolean solved = outcomes.nextDouble() < TransferWorld.successProbability(task, family, shown);
            success[e] = solved;
            unseen[e] = family >= TransferWorld.SEEN;
            if (arm.memory()) {
                if (solved) {
                    shown.stream().filter(TransferWorld.Case::synthetic).forEach(confirmed::add);
                } else if (arm.guard().refute()) {
                    shown.stream().filter(c -> c.synthetic() && !confirmed.contains(c)).forEach(refuted::add);
                }
                memory.add(world.episode(task, family, solved));
            }
        }
        return new Run(success, unseen, gateOpen);
    }

    /**
     * The K positive cases most similar to the task; under a guard as the similarity policy does it: an unconfirmed
     * synthetic case's similarity x {@link #PRIOR}, and once {@code maxProvisional} of them are taken the next
     * similar case of another kind takes the place (the quota of {@code casebook.synthesis.max-provisional}).
     */
    static List<TransferWorld.Case> select(List<TransferWorld.Case> memory, float[] task, int k, Guard guard,
            boolean gateOpen, Set<TransferWorld.Case> confirmed, Set<TransferWorld.Case> refuted) {
        record Scored(TransferWorld.Case c, double score, boolean provisional) {
        }
        List<Scored> scored = new ArrayList<>();
        for (TransferWorld.Case c : memory) {
            boolean provisional = guard.on() && c.synthetic() && !confirmed.contains(c);
            if (!c.positive() || (guard.on() && c.synthetic() && !gateOpen) || refuted.contains(c)) {
                continue;
            }
            double s = TransferWorld.cosine(task, c.vector());
            scored.add(new Scored(c, provisional ? s * PRIOR : s, provisional));
        }
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<TransferWorld.Case> shown = new ArrayList<>(k);
        int provisional = 0;
        for (Scored s : scored) {
            if (shown.size() == k) {
                break;
            }
            if (s.provisional() && provisional == guard.maxProvisional()) {
                continue;
            }
            provisional += s.provisional() ? 1 : 0;
            shown.add(s.c());
        }
        return shown;
    }

    static String format(Map<String, List<Run>> runs, int episodes) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-30s %-24s %-24s %-24s %-26s%n", "arm", "first 100", "all " + episodes,
                "unseen families", "first 100 - off (paired)"));
        for (Map.Entry<String, List<Run>> arm : runs.entrySet()) {
            out.append(String.format("%-30s %-24s %-24s %-24s %-26s%n", arm.getKey(),
                    interval(arm.getValue(), r -> r.rate(0, 100, false)).format(),
                    interval(arm.getValue(), r -> r.rate(0, episodes, false)).format(),
                    interval(arm.getValue(), r -> r.rate(0, episodes, true)).format(),
                    paired(runs, arm.getKey(), "off", r -> r.rate(0, 100, false)).format()));
        }
        double off = mean(runs.get("off"), r -> r.rate(0, 100, false));
        double realGain = mean(runs.get("real-seeded"), r -> r.rate(0, 100, false)) - off;
        out.append(String.format("%nTargets (first 100 episodes; gains over off; real-seeded gain %.3f):%n", realGain));
        double dream9 = mean(runs.get("dream f=0.9 guarded"), r -> r.rate(0, 100, false)) - off;
        target(out, "dream f=0.9 (guarded) >= off + 0.15", dream9, dream9 >= 0.15);
        target(out, "dream f=0.9 (guarded) >= 60% of the real-seeded gain", dream9 / realGain,
                dream9 >= 0.6 * realGain);
        double mixed = mean(runs.get("dream f=0.9 + 10% real"), r -> r.rate(0, 100, false)) - off;
        target(out, "dream + 10% real >= 90% of the real-seeded gain", mixed / realGain, mixed >= 0.9 * realGain);
        double guarded5 = mean(runs.get("dream f=0.5 guarded"), r -> r.rate(0, 100, false)) - off;
        target(out, "dream f=0.5 guarded >= off - 0.02 (no harm)", guarded5, guarded5 >= -0.02);
        double unguarded5 = mean(runs.get("dream f=0.5"), r -> r.rate(0, 100, false)) - off;
        out.append(String.format("  reported: dream f=0.5 unguarded minus off: %+.3f%n", unguarded5));
        for (String arm : List.of("dream f=0.9 guarded", "dream f=0.5 guarded", "dream f=0.5")) {
            double unseen = mean(runs.get(arm), r -> r.rate(0, episodes, true))
                    - mean(runs.get("off"), r -> r.rate(0, episodes, true));
            target(out, "unseen families within 0.02 of off (not below): " + arm, unseen, unseen >= -0.02);
            double unseenNoSeed = mean(runs.get(arm), r -> r.rate(0, episodes, true))
                    - mean(runs.get("no seed (read-write)"), r -> r.rate(0, episodes, true));
            out.append(String.format("       the same against memory without seed (read-write from empty): %+.3f%n",
                    unseenNoSeed));
        }
        out.append(String.format("Ablations of the guard (first 100; gain over off as a share of the real-seeded gain;"
                + " paired difference to the server's guard):%n"));
        for (String arm : runs.keySet()) {
            if (arm.startsWith("ablation")) {
                String server = arm.startsWith("ablation f=0.9") ? "dream f=0.9 guarded" : "dream f=0.9 + 10% real";
                double gain = mean(runs.get(arm), r -> r.rate(0, 100, false)) - off;
                out.append(String.format("  %-30s %.3f   vs %s: %s   unseen families vs off: %+.3f%n", arm,
                        gain / realGain, server, paired(runs, arm, server, r -> r.rate(0, 100, false)).format(),
                        mean(runs.get(arm), r -> r.rate(0, episodes, true))
                                - mean(runs.get("off"), r -> r.rate(0, episodes, true))));
            }
        }
        for (Map.Entry<String, List<Run>> arm : runs.entrySet()) {
            if (arm.getKey().equals("dream f=0.7 guarded") || arm.getKey().equals("dream f=0.5 guarded")) {
                long open = arm.getValue().stream().filter(Run::gateOpen).count();
                out.append(String.format("  %s: synthetic cases selectable (measured agreement >= %.1f) in %d of %d"
                        + " seeds%n", arm.getKey(), MIN_AGREEMENT, open, arm.getValue().size()));
            }
        }
        return out.toString();
    }

    private static void target(StringBuilder out, String what, double value, boolean met) {
        out.append(String.format("  %-4s %s: %.3f%n", met ? "MET" : "MISS", what, value));
    }

    private static LearningCurves.Interval interval(List<Run> runs, ToDoubleFunction<Run> rate) {
        return LearningCurves.Interval.of(runs.stream().mapToDouble(rate).toArray());
    }

    private static LearningCurves.Interval paired(Map<String, List<Run>> runs, String arm, String base,
            ToDoubleFunction<Run> rate) {
        List<Run> a = runs.get(arm);
        List<Run> b = runs.get(base);
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rate.applyAsDouble(a.get(i)) - rate.applyAsDouble(b.get(i));
        }
        return LearningCurves.Interval.of(d);
    }

    private static double mean(List<Run> runs, ToDoubleFunction<Run> rate) {
        return runs.stream().mapToDouble(rate).average().orElse(0);
    }
}
