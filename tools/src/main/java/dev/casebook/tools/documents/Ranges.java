package dev.casebook.tools.documents;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/** Writes page numbers back as compact ranges: {@code 1-3,7}. */
final class Ranges {
    private Ranges() {
    }

    static String of(SortedSet<Integer> numbers) {
        List<String> parts = new ArrayList<>();
        Integer start = null;
        Integer previous = null;
        for (int n : numbers) {
            if (previous != null && n == previous + 1) {
                previous = n;
                continue;
            }
            if (start != null) {
                parts.add(start.equals(previous) ? "" + start : start + "-" + previous);
            }
            start = n;
            previous = n;
        }
        if (start != null) {
            parts.add(start.equals(previous) ? "" + start : start + "-" + previous);
        }
        return String.join(",", parts);
    }
}
