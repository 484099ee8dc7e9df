package dev.casebook.server.sandboxtasks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How generation as validation went: the share of generated tasks kept, how many were kept only after a repair, and
 * per discard reason the tasks that met it (as a repaired verification or as the final reason) and the share of those
 * that ended kept — how well the repair loop recovers each kind of failure.
 */
final class ValidationReport {
    private ValidationReport() {
    }

    static Map<String, Object> of(List<SandboxTaskCounts.Validated> tasks) {
        int kept = 0;
        int repaired = 0;
        Map<String, int[]> byReason = new TreeMap<>();
        for (SandboxTaskCounts.Validated task : tasks) {
            if (task.kept()) {
                kept++;
                if (!task.repairs().isEmpty()) {
                    repaired++;
                }
            }
            Set<String> met = new TreeSet<>();
            task.repairs().forEach(r -> met.add(r.reason()));
            if (!task.kept() && task.reason() != null) {
                met.add(task.reason());
            }
            for (String reason : met) {
                int[] counts = byReason.computeIfAbsent(reason, r -> new int[2]);
                counts[0]++;
                counts[1] += task.kept() ? 1 : 0;
            }
        }
        Map<String, Object> reasons = new TreeMap<>();
        byReason.forEach((reason, c) -> reasons.put(reason, Map.of("tasks", c[0], "kept", c[1],
                "keptRate", (double) c[1] / c[0])));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("keptRate", tasks.isEmpty() ? null : (double) kept / tasks.size());
        view.put("keptAfterRepair", repaired);
        view.put("byReason", reasons);
        return view;
    }
}
