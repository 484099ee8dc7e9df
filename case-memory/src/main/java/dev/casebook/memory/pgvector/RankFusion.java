package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.ScoredCase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reciprocal-rank fusion: each list adds {@code 1 / (k + rank)} (rank from 1) to the score of a case it holds. */
final class RankFusion {
    private RankFusion() {
    }

    static List<ScoredCase> fuse(List<List<Case>> rankings, int rrfK, int limit) {
        Map<UUID, Case> cases = new LinkedHashMap<>();
        Map<UUID, Double> scores = new LinkedHashMap<>();
        for (List<Case> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                Case c = ranking.get(i);
                cases.putIfAbsent(c.id(), c);
                scores.merge(c.id(), 1.0 / (rrfK + i + 1), Double::sum);
            }
        }
        List<ScoredCase> fused = new ArrayList<>(scores.size());
        scores.forEach((id, score) -> fused.add(new ScoredCase(cases.get(id), score)));
        // stable sort: ties keep first-seen order, i.e. the vector ranking's
        fused.sort(Comparator.comparingDouble(ScoredCase::score).reversed());
        return List.copyOf(fused.subList(0, Math.min(limit, fused.size())));
    }
}
