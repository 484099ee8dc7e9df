package dev.casebook.server.cases;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseRetriever;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The text filter of a case list ({@code GET /api/cases?q=}): a case matches when its task, plan or answer contains
 * every word of the query, ignoring case; words that no case contains give an empty list. Similarity is another
 * request ({@code POST /api/cases/search}). The filter reads the cases the other filters admit, newest first, in
 * pages: its cost grows with the tenant's memory, which a person browsing it can afford.
 */
record CaseText(List<String> words) {
    private static final int PAGE = 500;

    static CaseText of(String query) {
        return new CaseText(Arrays.stream(query.toLowerCase(Locale.ROOT).split("\\s+")).filter(w -> !w.isEmpty())
                .distinct().toList());
    }

    boolean matches(Case c) {
        String text = (c.task() + "\n" + c.plan() + "\n" + c.answer()).toLowerCase(Locale.ROOT);
        return words.stream().allMatch(text::contains);
    }

    /** The matching cases from {@code offset} on (at most {@code limit}), newest first, and how many match in all. */
    CasePage filter(CaseRetriever store, CaseFilter filter, int offset, int limit) {
        List<Case> page = new ArrayList<>();
        long total = 0;
        for (int from = 0; ; from += PAGE) {
            CasePage batch = store.list(filter, from, PAGE);
            for (Case c : batch.items()) {
                if (matches(c)) {
                    if (total >= offset && page.size() < limit) {
                        page.add(c);
                    }
                    total++;
                }
            }
            if (batch.items().size() < PAGE || from + PAGE >= batch.total()) {
                break;
            }
        }
        return new CasePage(page, total, offset, limit);
    }
}
