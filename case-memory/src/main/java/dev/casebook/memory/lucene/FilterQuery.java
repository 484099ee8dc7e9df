package dev.casebook.memory.lucene;

import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.TaskKey;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;

/** A {@link CaseFilter} as a Lucene query that matches exactly the documents the filter admits. */
final class FilterQuery {
    private FilterQuery() {
    }

    static Query of(CaseFilter filter) {
        BooleanQuery.Builder query = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(CaseDocument.TENANT, filter.tenant())), Occur.FILTER);
        if (!filter.sources().isEmpty()) {
            query.add(anyOf(CaseDocument.SOURCE, filter.sources().stream().map(CaseSource::wireName).toList()),
                    Occur.FILTER);
        }
        if (!filter.labels().isEmpty()) {
            query.add(anyOf(CaseDocument.LABEL, filter.labels().stream().map(CaseLabel::wireName).toList()),
                    Occur.FILTER);
        }
        if (!filter.banks().isEmpty()) {
            query.add(anyOf(CaseDocument.BANK, filter.banks()), Occur.FILTER);
        }
        if (!filter.excludeOrigins().isEmpty()) {
            query.add(anyOf(CaseDocument.ORIGIN, filter.excludeOrigins()), Occur.MUST_NOT);
        }
        if (!filter.excludeTasks().isEmpty()) {
            query.add(anyOf(CaseDocument.TASK_KEY, filter.excludeTasks().stream().map(TaskKey::hex).toList()),
                    Occur.MUST_NOT);
        }
        return new ConstantScoreQuery(query.build());
    }

    private static Query anyOf(String field, Collection<String> values) {
        List<BytesRef> terms = values.stream().map(BytesRef::new).toList();
        return new TermInSetQuery(field, terms);
    }
}
