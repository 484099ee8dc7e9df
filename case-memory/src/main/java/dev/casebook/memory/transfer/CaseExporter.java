package dev.casebook.memory.transfer;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseFilter;
import dev.casebook.memory.CasePage;
import dev.casebook.memory.CaseRetriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes the cases a filter admits as casebook JSONL, newest first, page by page, each with its bank and evidence:
 * what importing the lines into an empty memory needs to rebuild it exactly.
 */
public final class CaseExporter {
    private static final int PAGE = 500;
    private final CaseJsonl lines = new CaseJsonl();

    /** Writes every admitted case, one line each; returns how many. */
    public long export(CaseRetriever store, CaseFilter filter, Writer out) {
        long written = 0;
        for (int offset = 0; ; offset += PAGE) {
            CasePage page = store.list(filter, offset, PAGE);
            for (Case c : page.items()) {
                try {
                    out.write(lines.write(c, store.history(c.tenant(), c.id())));
                    out.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException("export stopped after " + written + " cases: " + e.getMessage(),
                            e);
                }
                written++;
            }
            if (page.items().size() < PAGE) {
                return written;
            }
        }
    }
}
