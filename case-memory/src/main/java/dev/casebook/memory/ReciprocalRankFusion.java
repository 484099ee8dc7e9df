package dev.casebook.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reciprocal-rank fusion of several rankings of cases: a case scores {@code 1 / (rrfK + rank)} summed over the
 * rankings it appears in (ranks start at 1). Ties keep the order of first appearance.
 */
public final class ReciprocalRankFusion {
    private ReciprocalRankFusion() {
    }

    /** The best {@code k} cases of the fused rankings, best first, scored by their fused score. */
    public static List<ScoredCase> fuse(List<List<Case>> rankings, int rrfK, int k) {
        Map<UUID, Case> cases = new LinkedHashMap<>();
        Map<UUID, Double> scores = new LinkedHashMap<>();
        for (List<Case> ranking : rankings) {
            for (int rank = 1; rank <= ranking.size(); rank++) {
                Case c = ranking.get(rank - 1);
                cases.putIfAbsent(c.id(), c);
                scores.merge(c.id(), 1.0 / (rrfK + rank), Double::sum);
            }
        }
        List<ScoredCase> fused = new ArrayList<>(cases.size());
        for (Map.Entry<UUID, Case> entry : cases.entrySet()) {
            fused.add(new ScoredCase(entry.getValue(), scores.get(entry.getKey())));
        }
        fused.sort(Comparator.comparingDouble(ScoredCase::score).reversed());
        return List.copyOf(fused.subList(0, Math.min(k, fused.size())));
    }
}
