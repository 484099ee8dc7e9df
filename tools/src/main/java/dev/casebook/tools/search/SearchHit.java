package dev.casebook.tools.search;

import java.util.Objects;

/** One result of a web search. */
public record SearchHit(String title, String url, String snippet) {
    public SearchHit {
        Objects.requireNonNull(url, "url");
        title = title == null ? "" : title.strip();
        snippet = snippet == null ? "" : snippet.strip();
    }
}
