package dev.casebook.eval.run;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Accuracy over the episode index (the order attempts ran in, over all epochs): for each finished episode, whether
 * it was correct, the running accuracy so far and the accuracy of the last {@code window} episodes.
 */
public final class LearningCurve {
    private LearningCurve() {
    }

    public record Point(int episode, int epoch, String itemId, boolean correct, double running, double windowed) {
    }

    public static List<Point> of(List<Attempt> attempts, String primaryScorer, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        List<Attempt> ordered = attempts.stream().sorted(Comparator.comparingInt(Attempt::episode)).toList();
        List<Point> points = new ArrayList<>(ordered.size());
        boolean[] correct = new boolean[ordered.size()];
        int total = 0;
        int inWindow = 0;
        for (int i = 0; i < ordered.size(); i++) {
            Attempt attempt = ordered.get(i);
            correct[i] = attempt.correct(primaryScorer);
            total += correct[i] ? 1 : 0;
            inWindow += correct[i] ? 1 : 0;
            if (i >= window && correct[i - window]) {
                inWindow--;
            }
            int size = Math.min(i + 1, window);
            points.add(new Point(attempt.episode(), attempt.epoch(), attempt.itemId(), correct[i],
                    total / (double) (i + 1), inWindow / (double) size));
        }
        return points;
    }
}
