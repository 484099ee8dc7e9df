package dev.casebook.memory.policy.learned;

import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.policy.CaseRole;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks K of the candidates without replacement, each draw by softmax over the scores divided by the temperature
 * (greedy, best score first, at temperature 0), with the quotas of
 * {@link dev.casebook.memory.policy.SimilarityPolicy}: at most {@code maxPositives} positive cases (examples) and
 * {@code maxNegatives} negative ones (pitfalls); once a kind is full or exhausted only the other kind is drawn. At
 * most {@code maxProvisional} {@link dev.casebook.memory.Case#provisional() provisional} synthetic cases are drawn
 * ({@link dev.casebook.memory.policy.SelectionRequest#maxProvisional()}).
 */
final class SoftmaxChooser {

    private SoftmaxChooser() {
    }

    /** As {@link #choose(List, int, int, int, int, double, RandomGenerator)} with no bound on provisional cases. */
    static List<Chosen> choose(List<Candidate> candidates, int k, int maxPositives, int maxNegatives,
            double temperature, RandomGenerator random) {
        return choose(candidates, k, maxPositives, maxNegatives, Integer.MAX_VALUE, temperature, random);
    }

    /** The chosen candidates in the order drawn, each with the role its label gives it. */
    static List<Chosen> choose(List<Candidate> candidates, int k, int maxPositives, int maxNegatives,
            int maxProvisional, double temperature, RandomGenerator random) {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, was " + temperature);
        }
        List<Candidate> left = new ArrayList<>(candidates);
        left.sort(Comparator.comparingDouble(Candidate::score).reversed());
        int examplesLeft = maxPositives;
        int pitfallsLeft = maxNegatives;
        int provisionalLeft = maxProvisional;
        List<Chosen> chosen = new ArrayList<>();
        while (chosen.size() < k && !left.isEmpty()) {
            if (provisionalLeft <= 0) {
                left.removeIf(c -> c.value().provisional());
            }
            List<Candidate> eligible = eligible(left, examplesLeft, pitfallsLeft);
            if (eligible.isEmpty()) {
                break;
            }
            Candidate pick = temperature == 0 ? eligible.getFirst() : draw(eligible, temperature, random);
            left.remove(pick);
            provisionalLeft -= pick.value().provisional() ? 1 : 0;
            CaseRole role = pick.value().label() == CaseLabel.POSITIVE ? CaseRole.EXAMPLE : CaseRole.PITFALL;
            if (role == CaseRole.EXAMPLE) {
                examplesLeft--;
            } else {
                pitfallsLeft--;
            }
            chosen.add(new Chosen(pick, role));
        }
        return chosen;
    }

    /** A chosen candidate and its role. */
    record Chosen(Candidate candidate, CaseRole role) {
    }

    private static List<Candidate> eligible(List<Candidate> left, int examplesLeft, int pitfallsLeft) {
        List<Candidate> examples = new ArrayList<>();
        List<Candidate> pitfalls = new ArrayList<>();
        for (Candidate c : left) {
            (c.value().label() == CaseLabel.POSITIVE ? examples : pitfalls).add(c);
        }
        List<Candidate> open = new ArrayList<>();
        if (examplesLeft > 0) {
            open.addAll(examples);
        }
        if (pitfallsLeft > 0) {
            open.addAll(pitfalls);
        }
        open.sort(Comparator.comparingDouble(Candidate::score).reversed());
        return open;
    }

    private static Candidate draw(List<Candidate> eligible, double temperature, RandomGenerator random) {
        double max = eligible.getFirst().score();
        double[] weights = new double[eligible.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.exp((eligible.get(i).score() - max) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return eligible.get(i);
            }
        }
        return eligible.getLast();
    }
}
