package dev.casebook.bench;

import dev.casebook.tools.code.ProcessSandbox;
import dev.casebook.tools.code.SandboxSettings;
import dev.casebook.tools.code.Workspace;
import dev.casebook.tools.code.WorkspacePython;
import dev.casebook.tools.tasks.SandboxTask;
import dev.casebook.tools.tasks.TaskChecker;
import dev.casebook.tools.tasks.Verification;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code ./casebook bench sandbox-verify [--tasks=20] [--concurrency=1,2,4]}: what verifying a generated task costs in
 * the real sandbox. Baseline: the three bare sandboxed Python runs a verification needs at least (an empty program on
 * a fresh workspace, in the same sandbox); then {@code TaskChecker.verify} of a small task (reference, validator on its
 * result, validator on a no-op) as a ratio to that baseline, and verifications per second at each concurrency as a
 * ratio to the first.
 */
final class SandboxVerifyBench implements Bench.Benchmark {
    private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();
    private static final SandboxTask TASK = new SandboxTask("Write the sum of the numbers in numbers.txt to sum.txt.",
            Map.of("numbers.txt", "3\n4\n5\n"), """
            with open("sum.txt") as f:
                value = f.read().strip()
            assert value == "12", "sum.txt holds %r, expected 12" % value
            """, """
            total = sum(int(line) for line in open("numbers.txt") if line.strip())
            open("sum.txt", "w").write(str(total))
            print(total)
            """, 1);

    @Override
    public void run(String[] rawArgs) throws Exception {
        BenchArgs args = BenchArgs.parse(rawArgs);
        int tasks = args.integer("tasks", 20);
        List<Integer> levels = args.integers("concurrency", List.of(1, 2, 4));
        ProcessSandbox sandbox = new ProcessSandbox(SandboxSettings.defaults());
        WorkspacePython python = WorkspacePython.of(sandbox).orElseThrow(
                () -> new IllegalStateException("no python3 on this machine"));
        TaskChecker checker = new TaskChecker(python, Duration.ofSeconds(20), Duration.ofSeconds(60));
        System.out.printf("sandbox-verify: %s, isolation %s, %d cores, load average %.2f%n", python.version(),
                sandbox.isolation(), Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage());
        for (int i = 0; i < 3; i++) { // warm-up
            bare(checker, python);
            checker.verify(TASK);
        }
        long start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            for (int run = 0; run < 3; run++) {
                bare(checker, python);
            }
        }
        double bareMillis = (System.nanoTime() - start) / 1e6 / tasks;
        start = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            if (!(checker.verify(TASK) instanceof Verification.Kept)) {
                throw new IllegalStateException("the benchmark task was not kept");
            }
        }
        double verifyMillis = (System.nanoTime() - start) / 1e6 / tasks;
        System.out.printf("3 bare sandboxed runs: %8.1f ms (baseline)%n", bareMillis);
        System.out.printf("one verification:      %8.1f ms  %.2fx the baseline%n", verifyMillis,
                verifyMillis / bareMillis);
        System.out.printf("%-12s %16s %10s %12s%n", "concurrency", "verifications/s", "ratio", "load after");
        double first = 0;
        for (int concurrency : levels) {
            double perSecond = throughput(checker, tasks, concurrency);
            if (first == 0) {
                first = perSecond;
            }
            System.out.printf("%-12d %16.2f %9.2fx %12.2f%n", concurrency, perSecond, perSecond / first,
                    OS.getSystemLoadAverage());
        }
    }

    private static void bare(TaskChecker checker, WorkspacePython python) {
        try (Workspace workspace = checker.workspace(TASK)) {
            python.run(workspace.path(), Map.of("main.py", "pass"), "main.py", List.of(), Duration.ofSeconds(20));
        }
    }

    private static double throughput(TaskChecker checker, int tasks, int concurrency) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            long start = System.nanoTime();
            List<Future<Verification>> done = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                done.add(pool.submit(() -> checker.verify(TASK)));
            }
            for (Future<Verification> f : done) {
                f.get();
            }
            return tasks / ((System.nanoTime() - start) / 1e9);
        }
    }
}
