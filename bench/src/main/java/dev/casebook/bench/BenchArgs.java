package dev.casebook.bench;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name=value} arguments of a benchmark, with defaults. */
record BenchArgs(Map<String, String> values) {

    static BenchArgs parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("arguments look like --name=value, got '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            values.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return new BenchArgs(Map.copyOf(values));
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    List<Integer> integers(String name, List<Integer> fallback) {
        return values.containsKey(name)
                ? Arrays.stream(values.get(name).split(",")).map(String::trim).map(Integer::parseInt).toList()
                : fallback;
    }

    List<String> strings(String name, List<String> fallback) {
        return values.containsKey(name)
                ? Arrays.stream(values.get(name).split(",")).map(String::trim).toList()
                : fallback;
    }
}
