package dev.casebook.bench.policy;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code --name=value} (or {@code --name value}) command-line options of a benchmark; a bare {@code --name} followed by
 * another option or by nothing is {@code true}.
 */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (args[i].startsWith("--") && eq > 2) {
                values.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            } else if (args[i].startsWith("--") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(args[i], args[++i]);
            } else if (args[i].startsWith("--") && args[i].length() > 2) {
                values.put(args[i], "true");
            } else {
                throw new IllegalArgumentException("expected --name=value options, got '" + args[i] + "'");
            }
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name) {
        return values.get(name);
    }

    int getInt(String name, int fallback) {
        return has(name) ? Integer.parseInt(get(name)) : fallback;
    }

    long getLong(String name, long fallback) {
        return has(name) ? Long.parseLong(get(name)) : fallback;
    }

    double getDouble(String name, double fallback) {
        return has(name) ? Double.parseDouble(get(name)) : fallback;
    }
}
