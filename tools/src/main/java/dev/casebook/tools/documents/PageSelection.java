package dev.casebook.tools.documents;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** 1-based page (or slide) numbers such as {@code 1-3,7}; {@link #all()} selects every page. */
public record PageSelection(SortedSet<Integer> pages) {
    private static final int MAX_SELECTED = 10_000;

    public PageSelection {
        pages = pages == null ? null : Collections.unmodifiableSortedSet(new TreeSet<>(pages));
    }

    public static PageSelection all() {
        return new PageSelection(null);
    }

    public boolean isAll() {
        return pages == null;
    }

    /** Parses {@code "2"}, {@code "1-3"}, {@code "1-3, 7, 9-10"}; blank means all pages. */
    public static PageSelection parse(String text) throws DocumentException {
        if (text == null || text.isBlank()) {
            return all();
        }
        SortedSet<Integer> pages = new TreeSet<>();
        for (String part : text.split(",")) {
            String range = part.strip();
            try {
                String[] bounds = range.split("-", 2);
                int from = Integer.parseInt(bounds[0].strip());
                int to = bounds.length == 2 ? Integer.parseInt(bounds[1].strip()) : from;
                if (from < 1 || to < from) {
                    throw new DocumentException("'" + range + "' is not a page range (pages count from 1)");
                }
                if (to - from + pages.size() > MAX_SELECTED) {
                    throw new DocumentException("select at most " + MAX_SELECTED + " pages at once");
                }
                for (int page = from; page <= to; page++) {
                    pages.add(page);
                }
            } catch (NumberFormatException e) {
                throw new DocumentException("'" + range + "' is not a page range; write pages like 1-3,7");
            }
        }
        return new PageSelection(pages);
    }

    /** The selected pages of a document that has {@code count} pages; fails when one lies past the end. */
    SortedSet<Integer> within(int count, String unit) throws DocumentException {
        if (isAll()) {
            SortedSet<Integer> every = new TreeSet<>();
            for (int page = 1; page <= count; page++) {
                every.add(page);
            }
            return every;
        }
        if (pages.last() > count) {
            throw new DocumentException("the document has " + count + " " + unit + (count == 1 ? "" : "s")
                    + ", there is no " + unit + " " + pages.last());
        }
        return pages;
    }
}
