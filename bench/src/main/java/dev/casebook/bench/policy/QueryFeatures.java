package dev.casebook.bench.policy;

import dev.casebook.memory.CaseLabel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-query features for predicting whether a task will be solved, from what is known when its cases are selected:
 * the task's wording, its embedding, the case bank (texts, labels, plans) and the candidate cases shown beside it.
 * The query's own text is left out of the bank (a task is not its own past case).
 *
 * <p>Groups: {@code surface} (length, punctuation, question word, capitalised and possessive tokens: how a question
 * is written says which kind of question it is), {@code bank} (the share of positive cases among the k nearest bank
 * cases, similarity-weighted, and the plan length of the nearest), {@code candidates} (cosine of the query to its
 * positive and to its negative candidates).
 */
final class QueryFeatures {

    static final int[] BANK_KS = {5, 10, 20, 50, 100};
    private static final int PLAN_NEIGHBOURS = 10;
    private static final List<String> QUESTION_WORDS = List.of("what", "who", "when", "where", "which", "how", "in");

    /** Which groups of features to compute. */
    enum Group {
        SURFACE, BANK, CANDIDATES
    }

    private final List<BankCase> bank;
    private final float[][] bankVectors;

    QueryFeatures(List<BankCase> bank, Map<String, float[]> vectors) {
        this.bank = List.copyOf(bank);
        this.bankVectors = new float[bank.size()][];
        for (int i = 0; i < bank.size(); i++) {
            bankVectors[i] = vectors.get(bank.get(i).text());
            if (bankVectors[i] == null) {
                throw new IllegalArgumentException("no vector for bank case '" + bank.get(i).text() + "'");
            }
        }
    }

    static List<String> names(List<Group> groups) {
        List<String> names = new ArrayList<>();
        if (groups.contains(Group.SURFACE)) {
            names.addAll(List.of("log words", "chars/100", "ends with ?", "starts lower case", "capitalised words",
                    "possessives", "has digit", "commas"));
            QUESTION_WORDS.forEach(w -> names.add("starts '" + w + "'"));
        }
        if (groups.contains(Group.BANK)) {
            for (int k : BANK_KS) {
                names.add("bank positive share k=" + k);
            }
            names.addAll(List.of("bank weighted positive share k=20", "bank max cosine",
                    "bank plan steps k=" + PLAN_NEIGHBOURS));
        }
        if (groups.contains(Group.CANDIDATES)) {
            names.addAll(List.of("mean cos positive candidates", "mean cos negative candidates",
                    "max cos positive candidates", "max cos negative candidates", "positive - negative mean cos"));
        }
        return names;
    }

    /** The features of one query; {@code candidates} are its pairs (their cases and labels). */
    double[] of(String query, float[] queryVector, List<SelectionPair> candidates, Map<String, float[]> vectors,
            List<Group> groups) {
        List<Double> out = new ArrayList<>();
        if (groups.contains(Group.SURFACE)) {
            surface(query, out);
        }
        if (groups.contains(Group.BANK)) {
            bank(query, queryVector, out);
        }
        if (groups.contains(Group.CANDIDATES)) {
            candidates(queryVector, candidates, vectors, out);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void surface(String query, List<Double> out) {
        String text = query.strip();
        String[] words = text.split("\\s+");
        out.add(Math.log(words.length));
        out.add(text.length() / 100.0);
        out.add(text.endsWith("?") ? 1.0 : 0.0);
        out.add(Character.isLowerCase(text.charAt(0)) ? 1.0 : 0.0);
        int capitalised = 0;
        for (int i = 1; i < words.length; i++) {
            if (!words[i].isEmpty() && Character.isUpperCase(words[i].charAt(0))) {
                capitalised++;
            }
        }
        out.add((double) capitalised);
        out.add((double) (text.split("'s\\b", -1).length - 1));
        out.add(text.chars().anyMatch(Character::isDigit) ? 1.0 : 0.0);
        out.add((double) text.chars().filter(c -> c == ',').count());
        String first = words[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        for (String w : QUESTION_WORDS) {
            out.add(first.equals(w) ? 1.0 : 0.0);
        }
    }

    private void bank(String query, float[] queryVector, List<Double> out) {
        double[] sims = new double[bank.size()];
        Integer[] order = new Integer[bank.size()];
        for (int i = 0; i < sims.length; i++) {
            sims[i] = bank.get(i).text().equals(query) ? Double.NEGATIVE_INFINITY
                    : OfflinePolicyEvaluation.dot(queryVector, bankVectors[i]);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(sims[b], sims[a]));
        for (int k : BANK_KS) {
            out.add(positiveShare(order, Math.min(k, usable(sims))));
        }
        double weighted = 0;
        double weights = 0;
        for (int j = 0; j < Math.min(20, usable(sims)); j++) {
            double w = Math.max(0, sims[order[j]]);
            weighted += w * (bank.get(order[j]).label() == CaseLabel.POSITIVE ? 1 : 0);
            weights += w;
        }
        out.add(weights == 0 ? 0.5 : weighted / weights);
        out.add(sims[order[0]]);
        double steps = 0;
        int n = Math.min(PLAN_NEIGHBOURS, usable(sims));
        for (int j = 0; j < n; j++) {
            steps += bank.get(order[j]).planSteps();
        }
        out.add(steps / n);
    }

    private static int usable(double[] sims) {
        return (int) Arrays.stream(sims).filter(s -> s != Double.NEGATIVE_INFINITY).count();
    }

    private double positiveShare(Integer[] order, int k) {
        double positives = 0;
        for (int j = 0; j < k; j++) {
            positives += bank.get(order[j]).label() == CaseLabel.POSITIVE ? 1 : 0;
        }
        return positives / k;
    }

    private static void candidates(float[] queryVector, List<SelectionPair> candidates, Map<String, float[]> vectors,
            List<Double> out) {
        double[] sum = new double[2];
        double[] max = {-1, -1};
        int[] count = new int[2];
        for (SelectionPair p : candidates) {
            int g = p.caseLabel() == CaseLabel.POSITIVE ? 0 : 1;
            double cos = OfflinePolicyEvaluation.dot(queryVector, vectors.get(p.caseText()));
            sum[g] += cos;
            max[g] = Math.max(max[g], cos);
            count[g]++;
        }
        double meanPositive = count[0] == 0 ? 0 : sum[0] / count[0];
        double meanNegative = count[1] == 0 ? 0 : sum[1] / count[1];
        out.add(meanPositive);
        out.add(meanNegative);
        out.add(count[0] == 0 ? 0 : max[0]);
        out.add(count[1] == 0 ? 0 : max[1]);
        out.add(meanPositive - meanNegative);
    }
}
