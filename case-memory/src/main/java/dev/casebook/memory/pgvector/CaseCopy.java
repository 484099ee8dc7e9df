package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.TaskKey;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * New cases and their evidence written by PostgreSQL's {@code COPY ... FROM STDIN} in its binary format, in one
 * transaction: the rows {@link CaseRow} and {@link EvidenceRows} write, column for column, without a statement per
 * row. Binary, not CSV: the server parses a 384-dimension vector's text form more slowly than it inserts the row (at
 * 100,000 cases a CSV {@code COPY} from a server file took 30 s, {@code INSERT ... SELECT} of the same rows 8 s). Each
 * value is sent in its type's binary receive form: uuid as 16 bytes, texts as UTF-8, {@code double precision},
 * {@code integer} and {@code boolean} as their bytes, instants as microseconds since 2000-01-01 UTC (already truncated
 * to microseconds), and a vector as pgvector's ({@code int16} dimension, {@code int16} zero, the floats). The
 * generated {@code text_search} column and the evidence ids (in the order of the cases, then of each case's events)
 * are PostgreSQL's, as for the batched inserts.
 */
final class CaseCopy {
    static final String CASES = "COPY cases (id, tenant, task, plan, answer, reward, label, source, origin, task_key,"
            + " uses, successes, created_at, updated_at, bank, confirmed, refuted, embedding)"
            + " FROM STDIN WITH (FORMAT binary)";
    static final String EVIDENCE = "COPY case_evidence (case_id, episode, source, reward, rater, plan, answer,"
            + " recorded_at) FROM STDIN WITH (FORMAT binary)";
    /** Bytes gathered before they are sent to the server. */
    private static final int CHUNK = 1 << 18;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final long MICROS_FROM_1970_TO_2000 = 946_684_800L * 1_000_000L;

    private CaseCopy() {
    }

    /** Copies the cases (already truncated to microseconds), then their evidence, on {@code c}; the caller commits. */
    /**
     * Copies the cases and their evidence in one transaction of a connection of its own: all or none.
     *
     * @throws IllegalArgumentException when a case of the batch already exists (nothing is written)
     * @throws StoreException           when the copy fails otherwise (retryable when the connection was lost)
     */
    static void inOneTransaction(DataSource dataSource, List<Case> cases, List<float[]> embeddings,
            List<List<Evidence>> evidence) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                copy(c, cases, embeddings, evidence);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new IllegalArgumentException("a case of the batch already exists: " + e.getMessage(), e);
            }
            throw new StoreException("copy " + cases.size() + " cases failed: " + e.getMessage(),
                    e.getSQLState() != null && e.getSQLState().startsWith("08"), e);
        }
    }

    private static void copy(Connection c, List<Case> cases, List<float[]> embeddings, List<List<Evidence>> evidence)
            throws SQLException {
        var api = c.unwrap(PGConnection.class).getCopyAPI();
        try (Rows rows = new Rows(api.copyIn(CASES))) {
            for (int i = 0; i < cases.size(); i++) {
                Case value = cases.get(i);
                rows.start(18).uuid(value.id()).text(value.tenant()).text(value.task()).text(value.plan())
                        .text(value.answer()).float8(value.reward()).text(value.label().wireName())
                        .text(value.source().wireName()).text(value.origin()).text(TaskKey.of(value.task()).hex())
                        .int4(value.uses()).int4(value.successes()).instant(value.createdAt())
                        .instant(value.updatedAt()).text(value.bank()).bool(value.confirmed())
                        .bool(value.refuted()).vector(embeddings.get(i)).end();
            }
            rows.finish();
        }
        try (Rows rows = new Rows(api.copyIn(EVIDENCE))) {
            for (int i = 0; i < cases.size(); i++) {
                UUID id = cases.get(i).id();
                for (Evidence e : evidence.get(i)) {
                    rows.start(8).uuid(id).text(e.episode()).text(e.source().wireName()).float8(e.reward())
                            .text(e.rater().wireName()).text(e.plan()).text(e.answer()).instant(e.at()).end();
                }
            }
            rows.finish();
        }
    }

    /**
     * Rows streamed to one binary {@code COPY}: the header first, {@link #finish()} sends the trailer and ends it;
     * closing cancels it when it was not ended.
     */
    private static final class Rows implements AutoCloseable {
        private final CopyIn copy;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(CHUNK + 8192);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Rows(CopyIn copy) {
            this.copy = copy;
            write(() -> {
                out.write(SIGNATURE);
                out.writeInt(0); // flags
                out.writeInt(0); // header extension length
            });
        }

        Rows start(int fields) {
            write(() -> out.writeShort(fields));
            return this;
        }

        Rows uuid(UUID value) {
            write(() -> {
                out.writeInt(16);
                out.writeLong(value.getMostSignificantBits());
                out.writeLong(value.getLeastSignificantBits());
            });
            return this;
        }

        Rows text(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            write(() -> {
                out.writeInt(utf8.length);
                out.write(utf8);
            });
            return this;
        }

        Rows float8(double value) {
            write(() -> {
                out.writeInt(8);
                out.writeDouble(value);
            });
            return this;
        }

        Rows int4(int value) {
            write(() -> {
                out.writeInt(4);
                out.writeInt(value);
            });
            return this;
        }

        Rows bool(boolean value) {
            write(() -> {
                out.writeInt(1);
                out.writeByte(value ? 1 : 0);
            });
            return this;
        }

        Rows instant(Instant value) {
            long micros = Math.addExact(Math.multiplyExact(value.getEpochSecond(), 1_000_000L), value.getNano() / 1000);
            write(() -> {
                out.writeInt(8);
                out.writeLong(micros - MICROS_FROM_1970_TO_2000);
            });
            return this;
        }

        Rows vector(float[] vector) {
            write(() -> {
                out.writeInt(4 + 4 * vector.length);
                out.writeShort(vector.length);
                out.writeShort(0);
                for (float v : vector) {
                    out.writeFloat(v);
                }
            });
            return this;
        }

        void end() throws SQLException {
            if (bytes.size() >= CHUNK) {
                flush();
            }
        }

        void finish() throws SQLException {
            write(() -> out.writeShort(-1));
            flush();
            copy.endCopy();
        }

        private void flush() throws SQLException {
            copy.writeToCopy(bytes.toByteArray(), 0, bytes.size());
            bytes.reset();
        }

        /** Writes into the in-memory buffer, which does not fail. */
        private void write(Write write) {
            try {
                write.run();
            } catch (IOException e) {
                throw new UncheckedIOException("a ByteArrayOutputStream failed", e);
            }
        }

        @Override
        public void close() throws SQLException {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private interface Write {
        void run() throws IOException;
    }
}
