package dev.casebook.bench.policy;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Success rates by episode window per policy, averaged over seeds with 95% confidence intervals (Student's t over
 * the per-seed rates), plus final rates on misleading and other families and the paired learned − similarity
 * difference.
 */
final class LearningCurves {

    private static final double[] T95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228};

    /** A mean over seeds with its 95% confidence interval. */
    record Interval(double mean, double low, double high) {
        static Interval of(double[] values) {
            int n = values.length;
            double mean = 0;
            for (double v : values) {
                mean += v / n;
            }
            if (n < 2) {
                return new Interval(mean, Double.NaN, Double.NaN);
            }
            double variance = 0;
            for (double v : values) {
                variance += (v - mean) * (v - mean) / (n - 1);
            }
            double t = n - 1 <= T95.length ? T95[n - 2] : 1.96;
            double half = t * Math.sqrt(variance / n);
            return new Interval(mean, mean - half, mean + half);
        }

        String formatCount() {
            return Double.isNaN(low) ? String.format("%.0f", mean)
                    : String.format("%.0f [%.0f, %.0f]", mean, low, high);
        }

        String format() {
            return Double.isNaN(low) ? String.format("%.3f", mean)
                    : String.format("%.3f [%.3f, %.3f]", mean, low, high);
        }
    }

    private final List<String> policies;
    private final List<List<MemoryLearningBench.Run>> runs;
    private final int window;

    LearningCurves(List<String> policies, List<List<MemoryLearningBench.Run>> runs, int window) {
        this.policies = List.copyOf(policies);
        this.runs = List.copyOf(runs);
        this.window = window;
    }

    int episodes() {
        return runs.getFirst().getFirst().success().length;
    }

    /** Success rate of {@code policy} in window {@code w}, over seeds. */
    Interval window(String policy, int w) {
        return Interval.of(runsOf(policy).stream()
                .mapToDouble(r -> rate(r, w * window, Math.min(episodes(), (w + 1) * window), null)).toArray());
    }

    /** The last quarter of the episodes (at least one window). */
    int finalFrom() {
        return episodes() - Math.max(window, episodes() / 4);
    }

    /** Final success rate of {@code policy} on misleading families (or on the others). */
    Interval finalRate(String policy, Boolean misleading) {
        return Interval.of(runsOf(policy).stream()
                .mapToDouble(r -> rate(r, finalFrom(), episodes(), misleading)).toArray());
    }

    /** The best arm without insights so far (docs/policy.md): new arms are compared with it too, when it ran. */
    static final String BEST_SO_FAR = "learned-ts-local-top";

    /** Paired (same seed, same tasks) final difference {@code a − b}. */
    Interval difference(String a, String b, boolean misleading) {
        List<MemoryLearningBench.Run> ra = runsOf(a);
        List<MemoryLearningBench.Run> rb = runsOf(b);
        double[] d = new double[ra.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = rate(ra.get(i), finalFrom(), episodes(), misleading)
                    - rate(rb.get(i), finalFrom(), episodes(), misleading);
        }
        return Interval.of(d);
    }

    String format() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("success rate by window of %d episodes, mean [95%% CI] over %d seeds%n", window,
                runsOf(policies.getFirst()).size()));
        out.append(String.format("%-12s", "episodes"));
        for (String p : policies) {
            out.append(String.format("%-28s", p));
        }
        out.append('\n');
        for (int w = 0; w * window < episodes(); w++) {
            out.append(String.format("%-12s", (w * window + 1) + "-" + Math.min(episodes(), (w + 1) * window)));
            for (String p : policies) {
                out.append(String.format("%-28s", window(p, w).format()));
            }
            out.append('\n');
        }
        for (boolean misleading : new boolean[] {true, false}) {
            out.append(String.format("final (episodes %d-%d), %s families:%n", finalFrom() + 1, episodes(),
                    misleading ? "misleading" : "other"));
            for (String p : policies) {
                out.append(String.format("  %-18s %s", p, finalRate(p, misleading).format()));
                if (p.startsWith("learned") || p.endsWith(MemoryLearningBench.INSIGHTS)) {
                    String base = p.endsWith(MemoryLearningBench.INSIGHTS)
                            ? p.substring(0, p.length() - MemoryLearningBench.INSIGHTS.length()) : "learned";
                    for (String reference : new LinkedHashSet<>(List.of("similarity", "off", "learned",
                            "learned-ts", BEST_SO_FAR, base))) {
                        if (!reference.equals(p) && policies.contains(reference)) {
                            out.append(String.format("   - %s %s%s", reference,
                                    difference(p, reference, misleading).format(),
                                    verdict(difference(p, reference, misleading))));
                        }
                    }
                }
                out.append('\n');
            }
        }
        out.append(String.format("episodes to reach 90%% of the final rate (first window at or above it; mean over"
                + " seeds), misleading / other families:%n"));
        for (String p : policies) {
            out.append(String.format("  %-18s %s / %s%n", p, episodesTo90(p, true).formatCount(),
                    episodesTo90(p, false).formatCount()));
        }
        return out.toString();
    }

    /**
     * The diagnostic of {@link MemoryLearningBench.Reach} on misleading families in the final window: the share of
     * episodes (over seeds and episodes) with each bit, per arm that selects cases.
     */
    String formatReach() {
        StringBuilder out = new StringBuilder(String.format("diagnostic, misleading families, episodes %d-%d (share"
                + " of episodes): helpful case in the store's shortlist / in the policy's shortlist / shown;"
                + " another family's case shown; an added case helpful / of another family%n", finalFrom() + 1,
                episodes()));
        for (String p : policies) {
            if (p.startsWith("off")) {
                continue;
            }
            out.append(String.format("  %-18s", p));
            for (MemoryLearningBench.Reach bit : MemoryLearningBench.Reach.values()) {
                out.append(String.format(" %.3f", reachShare(p, bit)));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private double reachShare(String policy, MemoryLearningBench.Reach bit) {
        int episodes = 0;
        int with = 0;
        for (MemoryLearningBench.Run r : runsOf(policy)) {
            for (int e = finalFrom(); e < episodes(); e++) {
                if (r.misleading()[e]) {
                    episodes++;
                    with += (r.reach()[e] & bit.bit()) != 0 ? 1 : 0;
                }
            }
        }
        return episodes == 0 ? Double.NaN : with / (double) episodes;
    }

    private static String verdict(Interval d) {
        if (Double.isNaN(d.low())) {
            return "";
        }
        return d.low() > 0 ? " (above, outside the CI)" : d.high() < 0 ? " (below, outside the CI)" : " (CI includes 0)";
    }

    /**
     * Sample efficiency: per seed, the end of the first window whose rate (on the given kind of families) reaches
     * 90% of that seed's final rate; the mean over seeds.
     */
    Interval episodesTo90(String policy, boolean misleading) {
        return Interval.of(runsOf(policy).stream().mapToDouble(r -> {
            double target = 0.9 * rate(r, finalFrom(), episodes(), misleading);
            for (int w = 0; w * window < episodes(); w++) {
                int to = Math.min(episodes(), (w + 1) * window);
                if (rate(r, w * window, to, misleading) >= target) {
                    return to;
                }
            }
            return episodes();
        }).toArray());
    }

    /** The runs of {@code policy}, one per seed in seed order. */
    List<MemoryLearningBench.Run> runsOf(String policy) {
        int index = policies.indexOf(policy);
        if (index < 0) {
            throw new IllegalArgumentException("no policy " + policy + " in " + policies);
        }
        return runs.get(index);
    }

    /** Success rate over episodes [from, to), only of misleading (or other) families unless {@code kind} is null. */
    private static double rate(MemoryLearningBench.Run run, int from, int to, Boolean kind) {
        int n = 0;
        int hits = 0;
        for (int i = from; i < to; i++) {
            if (kind == null || run.misleading()[i] == kind) {
                n++;
                hits += run.success()[i] ? 1 : 0;
            }
        }
        return n == 0 ? Double.NaN : (double) hits / n;
    }
}
