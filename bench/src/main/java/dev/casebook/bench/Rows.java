package dev.casebook.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of the throughput benchmarks with memory: one row per store and memory mode, each beside the memory-off
 * row of the same store measured in the same run (the baseline).
 */
final class Rows {
    /**
     * One measured round: {@code units} tasks (or items) in {@code seconds}; CPU milliseconds of the server, of the
     * LLM process and of the benchmark's own JVM (the client); LLM calls served; load average before and after;
     * searchers the server's Lucene store reopened (NaN when the server does not report them).
     */
    record Measured(int units, double seconds, double serverCpuMs, double llmCpuMs, double clientCpuMs, long llmCalls,
            double loadBefore, double loadAfter, double refreshes) {
        double rate() {
            return units / seconds;
        }

        double serverCpuPerUnit() {
            return serverCpuMs / units;
        }

        double refreshesPerUnit() {
            return refreshes / units;
        }

        double serverCpuPerCall() {
            return llmCalls == 0 ? Double.NaN : serverCpuMs / llmCalls;
        }
    }

    private record Row(String store, String mode, Measured measured) {
    }

    private final String rateName;
    private final String unit;
    private final double ideal;
    private final List<Row> rows = new ArrayList<>();

    Rows(String rateName, String unit, double ideal) {
        this.rateName = rateName;
        this.unit = unit;
        this.ideal = ideal;
    }

    void add(String store, String mode, Measured measured) {
        rows.add(new Row(store, mode, measured));
        System.out.printf("  measured %s memory %s: %.1f %s, server %.2f cpu ms / %s (load %.2f)%n", store, mode,
                measured.rate(), rateName, measured.serverCpuPerUnit(), unit, measured.loadBefore());
    }

    void print() {
        System.out.printf("%-24s %-11s %10s %9s %9s %13s %13s %14s %11s %11s %13s %9s%n", "store", "memory", rateName,
                "fraction", "calls/" + unit, "server ms/" + unit, "server ms/call", "vs off (cpu)", "llm ms/" + unit,
                "client ms/" + unit, "refreshes/" + unit, "load");
        Map<String, Measured> baseline = new LinkedHashMap<>();
        for (Row row : rows) {
            Measured m = row.measured();
            if (row.mode().equals("off")) {
                baseline.put(row.store(), m);
            }
            Measured off = baseline.get(row.store());
            System.out.printf("%-24s %-11s %10.1f %9.2f %9.2f %13.2f %13.2f %14.2f %11.2f %11.2f %13.2f %4.1f-%-4.1f%n",
                    row.store(), row.mode(), m.rate(), m.rate() / ideal, (double) m.llmCalls() / m.units(),
                    m.serverCpuPerUnit(), m.serverCpuPerCall(),
                    off == null ? Double.NaN : m.serverCpuPerUnit() / off.serverCpuPerUnit(),
                    m.llmCpuMs() / m.units(), m.clientCpuMs() / m.units(), m.refreshesPerUnit(), m.loadBefore(),
                    m.loadAfter());
        }
        System.out.println("server ms: CPU of the server's JVM alone; llm ms: the scripted LLM's JVM; client ms: the "
                + "benchmark's JVM submitting and following; vs off: server CPU per " + unit
                + " over the memory-off row of the same store in this run; refreshes: searchers the Lucene store reopened"
                + " per " + unit + " (NaN: not reported, e.g. pgvector)");
    }
}
