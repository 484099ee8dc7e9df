package dev.casebook.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code ./casebook bench NAME [args]}: runs one benchmark by name, or lists them.
 * Each benchmark measures its own baseline in the same run and prints ratios against it.
 */
public final class Bench {

    /** A runnable benchmark. */
    @FunctionalInterface
    public interface Benchmark {
        void run(String[] args) throws Exception;
    }

    private static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();

    static void register(String name, Benchmark benchmark) {
        BENCHMARKS.put(name, benchmark);
    }

    static {
        Registry.registerAll();
    }

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !BENCHMARKS.containsKey(args[0])) {
            System.out.println("usage: ./casebook bench NAME [args]; benchmarks: " + String.join(", ", BENCHMARKS.keySet()));
            if (args.length > 0) {
                System.exit(2);
            }
            return;
        }
        BENCHMARKS.get(args[0]).run(Arrays.copyOfRange(args, 1, args.length));
        System.exit(0);
    }
}
