package dev.casebook.memory.pgvector;

import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.TaskKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What {@link PgVectorCaseStore} checks and mends in the {@code cases} table when it opens: the table and its
 * columns exist (the Flyway migrations of {@code casebook-db} ran), its vector column has the embedder's dimension,
 * which pgvector version answers, and every row has its task key.
 */
final class CasesTable {
    /** PostgreSQL records the dimension of the vector column, not the model that filled it. */
    static final String UNRECORDED_MODEL = "not recorded by PostgreSQL";
    private static final int BATCH = 500;

    private CasesTable() {
    }

    /** Checks table and dimension; answers whether pgvector supports iterative index scans. */
    static boolean check(DataSource dataSource, EmbeddingSpace space) {
        try (Connection c = dataSource.getConnection()) {
            OptionalInt stored = VectorTables.vectorDimension(c, "cases", "embedding");
            if (stored.isEmpty()) {
                throw new StoreException("no table 'cases' with an 'embedding' column on the search path ("
                        + searchPath(c) + ") of " + c.getMetaData().getURL()
                        + "; run the Flyway migrations of casebook-db on this schema first", false, null);
            }
            try (PreparedStatement s = c.prepareStatement("select 1 from pg_attribute a where a.attrelid ="
                    + " to_regclass('cases') and a.attname = 'task_key' and not a.attisdropped");
                    ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("the table 'cases' (" + searchPath(c) + ") has no 'task_key' column;"
                            + " run the Flyway migrations of casebook-db (V30) on this schema first", false, null);
                }
            }
            new EmbeddingSpace(UNRECORDED_MODEL, stored.getAsInt()).requireCompatible(space,
                    "the PostgreSQL table cases (" + searchPath(c) + ")");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "select extversion from pg_extension where extname = 'vector'")) {
                return rs.next() && supportsIterativeScan(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the cases table: " + e.getMessage(), true, e);
        }
    }

    /**
     * Computes the {@link TaskKey} of every row that has none yet (rows from before the V30 migration, which gave
     * them ''), in batches in id order. The key is Java's, so that it equals the key a filter asks for; several
     * replicas opening at once write the same values.
     */
    static void fillTaskKeys(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("select id, task from cases where task_key = ''"
                        + " and id >= ? order by id limit " + BATCH);
                PreparedStatement update = c.prepareStatement(
                        "update cases set task_key = ? where id = ? and task_key = ''")) {
            UUID after = new UUID(0, 0); // the smallest in PostgreSQL's (bytewise) order; filled rows leave the query
            while (true) {
                select.setObject(1, after);
                int rows = 0;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getObject(1, UUID.class);
                        update.setString(1, TaskKey.of(rs.getString(2)).hex());
                        update.setObject(2, after);
                        update.addBatch();
                        rows++;
                    }
                }
                if (rows == 0) {
                    return;
                }
                update.executeBatch();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot fill in the task keys of the cases table: " + e.getMessage(), true, e);
        }
    }

    private static String searchPath(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("show search_path")) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }

    static boolean supportsIterativeScan(String version) {
        String[] parts = version.split("\\.");
        int major = Integer.parseInt(parts[0]);
        int minor = parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0;
        return major > 0 || minor >= 8;
    }
}
