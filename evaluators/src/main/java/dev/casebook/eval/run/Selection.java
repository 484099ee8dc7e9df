package dev.casebook.eval.run;

import dev.casebook.eval.data.EvalItem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Which questions of a dataset a run uses: those of the given groups (all when empty), then either the first
 * {@code limit} or a random {@code sample} drawn with {@code seed} (kept in file order). Same inputs, same selection.
 */
public record Selection(Set<String> groups, Integer limit, Integer sample, long seed) {
    public Selection {
        groups = groups == null ? Set.of() : Set.copyOf(groups);
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (sample != null && sample < 1) {
            throw new IllegalArgumentException("sample must be at least 1, was " + sample);
        }
        if (limit != null && sample != null) {
            throw new IllegalArgumentException("give either limit or sample, not both");
        }
    }

    public static Selection all() {
        return new Selection(Set.of(), null, null, 0);
    }

    public List<EvalItem> apply(List<EvalItem> items) {
        List<EvalItem> chosen = items.stream().filter(i -> groups.isEmpty() || groups.contains(i.group())).toList();
        if (limit != null) {
            return chosen.subList(0, Math.min(limit, chosen.size()));
        }
        if (sample != null && sample < chosen.size()) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < chosen.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed));
            List<Integer> picked = new ArrayList<>(order.subList(0, sample));
            picked.sort(Comparator.naturalOrder());
            return picked.stream().map(chosen::get).toList();
        }
        return chosen;
    }
}
