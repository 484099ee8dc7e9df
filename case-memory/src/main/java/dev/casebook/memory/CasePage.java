package dev.casebook.memory;

import java.util.List;

/** One page of a listing, newest first, and the total number of cases the filter admits. */
public record CasePage(List<Case> items, long total, int offset, int limit) {
    public CasePage {
        items = List.copyOf(items);
    }
}
