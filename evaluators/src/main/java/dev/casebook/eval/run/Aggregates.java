package dev.casebook.eval.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Computes a run's aggregates per epoch, overall and by group. */
public final class Aggregates {
    private Aggregates() {
    }

    /** Per epoch: {@code "all"} and one entry per group. */
    public static Map<Integer, Map<String, Aggregate>> byEpoch(List<Attempt> attempts, String primaryScorer,
                                                               double costPerMillionTokens) {
        Map<Integer, Map<String, Aggregate>> out = new TreeMap<>();
        attempts.stream().collect(Collectors.groupingBy(Attempt::epoch, TreeMap::new, Collectors.toList()))
                .forEach((epoch, ofEpoch) -> {
                    Map<String, Aggregate> groups = new LinkedHashMap<>();
                    groups.put("all", of(ofEpoch, primaryScorer, costPerMillionTokens));
                    ofEpoch.stream().collect(Collectors.groupingBy(Attempt::group, TreeMap::new, Collectors.toList()))
                            .forEach((group, ofGroup) -> groups.put(group, of(ofGroup, primaryScorer, costPerMillionTokens)));
                    out.put(epoch, groups);
                });
        return out;
    }

    public static Aggregate of(List<Attempt> attempts, String primaryScorer, double costPerMillionTokens) {
        if (attempts.isEmpty()) {
            return new Aggregate(0, 0, 0, 0, Map.of(), 0, 0, 0, 0);
        }
        Map<String, List<Attempt>> byQuestion = attempts.stream()
                .collect(Collectors.groupingBy(Attempt::itemId, LinkedHashMap::new, Collectors.toList()));
        double pass1 = byQuestion.values().stream()
                .mapToDouble(q -> q.stream().filter(a -> a.correct(primaryScorer)).count() / (double) q.size())
                .average().orElse(0);
        double passK = byQuestion.values().stream()
                .filter(q -> q.stream().anyMatch(a -> a.correct(primaryScorer))).count() / (double) byQuestion.size();
        Map<String, Aggregate.ScorerAggregate> scorers = new TreeMap<>();
        List<String> names = new ArrayList<>(attempts.stream().flatMap(a -> a.scores().keySet().stream()).distinct().toList());
        for (String name : names) {
            List<Attempt.Score> scores = attempts.stream().map(a -> a.scores().get(name)).filter(s -> s != null).toList();
            double accuracy = scores.stream().filter(Attempt.Score::correct).count() / (double) scores.size();
            double mean = scores.stream().mapToDouble(Attempt.Score::value).average().orElse(0);
            int flagged = (int) scores.stream().filter(Attempt.Score::flagged).count();
            scorers.put(name, new Aggregate.ScorerAggregate(accuracy, mean, flagged));
        }
        double meanTokens = attempts.stream().mapToLong(Attempt::tokens).average().orElse(0);
        double meanMillis = attempts.stream().mapToLong(Attempt::millis).average().orElse(0);
        int unanswered = (int) attempts.stream().filter(a -> !a.answered()).count();
        return new Aggregate(byQuestion.size(), attempts.size(), pass1, passK, scorers, meanTokens,
                meanTokens * costPerMillionTokens / 1_000_000.0, meanMillis, unanswered);
    }
}
