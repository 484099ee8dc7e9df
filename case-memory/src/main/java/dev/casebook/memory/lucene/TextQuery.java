package dev.casebook.memory.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/** Free text as a BM25 query over the case text: any of its terms, within a filter. No query syntax. */
final class TextQuery {
    /** Longer texts (a whole task description) keep their first terms only. */
    static final int MAX_TERMS = 256;

    private TextQuery() {
    }

    /** The query, or null when the text has no searchable term. */
    static Query of(Analyzer analyzer, String text, Query filter) {
        Set<String> terms = terms(analyzer, text);
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder anyTerm = new BooleanQuery.Builder();
        for (String term : terms) {
            anyTerm.add(new TermQuery(new Term(CaseDocument.TEXT, term)), Occur.SHOULD);
        }
        return new BooleanQuery.Builder()
                .add(anyTerm.build(), Occur.MUST)
                .add(filter, Occur.FILTER)
                .build();
    }

    private static Set<String> terms(Analyzer analyzer, String text) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(CaseDocument.TEXT, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken() && terms.size() < MAX_TERMS) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing query text failed", e);
        }
        return terms;
    }
}
