package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.TaskKey;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * New cases and their evidence written by PostgreSQL's {@code COPY ... FROM STDIN} (CSV) in one transaction: the rows
 * {@link CaseRow} and {@link EvidenceRows} write, column for column, without a statement per row. Every text field is
 * quoted, so an empty text stays empty (an unquoted empty CSV field is NULL); numbers are written in Java's shortest
 * round-trip form and vectors in pgvector's text form, both read back to the same values; instants are ISO-8601 in
 * UTC, already truncated to microseconds. The generated {@code text_search} column and the evidence ids (in the
 * order of the cases, then of each case's events) are PostgreSQL's, as for the batched inserts.
 */
final class CaseCopy {
    static final String CASES = "COPY cases (id, tenant, task, plan, answer, reward, label, source, origin, task_key,"
            + " uses, successes, created_at, updated_at, bank, confirmed, refuted, embedding)"
            + " FROM STDIN WITH (FORMAT csv)";
    static final String EVIDENCE = "COPY case_evidence (case_id, episode, source, reward, rater, plan, answer,"
            + " recorded_at) FROM STDIN WITH (FORMAT csv)";
    /** Characters gathered before they are sent to the server. */
    private static final int CHUNK = 1 << 18;

    private CaseCopy() {
    }

    /** Copies the cases (already truncated to microseconds), then their evidence, on {@code c}; the caller commits. */
    static void copy(Connection c, List<Case> cases, List<float[]> embeddings, List<List<Evidence>> evidence)
            throws SQLException {
        var api = c.unwrap(PGConnection.class).getCopyAPI();
        try (Rows rows = new Rows(api.copyIn(CASES))) {
            for (int i = 0; i < cases.size(); i++) {
                Case value = cases.get(i);
                rows.text(value.id().toString()).text(value.tenant()).text(value.task()).text(value.plan())
                        .text(value.answer()).number(Double.toString(value.reward()))
                        .text(value.label().wireName()).text(value.source().wireName()).text(value.origin())
                        .text(TaskKey.of(value.task()).hex()).number(Integer.toString(value.uses()))
                        .number(Integer.toString(value.successes())).number(value.createdAt().toString())
                        .number(value.updatedAt().toString()).text(value.bank())
                        .number(Boolean.toString(value.confirmed())).number(Boolean.toString(value.refuted()))
                        .vector(embeddings.get(i)).end();
            }
            rows.finish();
        }
        try (Rows rows = new Rows(api.copyIn(EVIDENCE))) {
            for (int i = 0; i < cases.size(); i++) {
                UUID id = cases.get(i).id();
                for (Evidence e : evidence.get(i)) {
                    rows.text(id.toString()).text(e.episode()).text(e.source().wireName())
                            .number(Double.toString(e.reward())).text(e.rater().wireName()).text(e.plan())
                            .text(e.answer()).number(e.at().toString()).end();
                }
            }
            rows.finish();
        }
    }

    /** CSV rows streamed to one {@code COPY}: {@link #finish()} ends it; closing cancels it when it was not ended. */
    private static final class Rows implements AutoCloseable {
        private final CopyIn copy;
        private final StringBuilder buffer = new StringBuilder(CHUNK + 8192);
        private boolean first = true;

        Rows(CopyIn copy) {
            this.copy = copy;
        }

        Rows text(String value) {
            separate();
            buffer.append('"');
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                if (ch == '"') {
                    buffer.append('"');
                }
                buffer.append(ch);
            }
            buffer.append('"');
            return this;
        }

        Rows number(String value) {
            separate();
            buffer.append(value);
            return this;
        }

        /** pgvector's text form, {@code "[0.1,0.2]"}, quoted for its commas. */
        Rows vector(float[] vector) {
            separate();
            buffer.append("\"[");
            for (int d = 0; d < vector.length; d++) {
                if (d > 0) {
                    buffer.append(',');
                }
                buffer.append(vector[d]);
            }
            buffer.append("]\"");
            return this;
        }

        void end() throws SQLException {
            buffer.append('\n');
            first = true;
            if (buffer.length() >= CHUNK) {
                flush();
            }
        }

        private void separate() {
            if (!first) {
                buffer.append(',');
            }
            first = false;
        }

        private void flush() throws SQLException {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }

        void finish() throws SQLException {
            flush();
            copy.endCopy();
        }

        @Override
        public void close() throws SQLException {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
