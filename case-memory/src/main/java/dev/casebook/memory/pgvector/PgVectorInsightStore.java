package dev.casebook.memory.pgvector;

import com.pgvector.PGvector;
import dev.casebook.memory.EmbeddingSpace;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.insight.Insight;
import dev.casebook.memory.insight.InsightQuery;
import dev.casebook.memory.insight.InsightStore;
import dev.casebook.memory.insight.PendingDistillation;
import dev.casebook.memory.insight.ScoredInsight;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Insights in the PostgreSQL table {@code insights} (V84 migration), plain JDBC with pgvector-java: the centroid in a
 * {@code vector(N)} column, a family look-up ranking the tenant's rows by exact cosine distance ({@code <=>}; no
 * vector index: a tenant has one insight per task family, not one per task). Pending distillations are rows of
 * {@code insight_pending} (V88).
 */
public final class PgVectorInsightStore implements InsightStore {
    private static final String COLUMNS = "id, tenant, bank, family, text, centroid::text, members, successes,"
            + " failures, evidence, updated_at";

    private final DataSource dataSource;
    private final EmbeddingSpace space;
    private final AutoCloseable ownedPool;

    private PgVectorInsightStore(DataSource dataSource, EmbeddingSpace space, AutoCloseable ownedPool) {
        this.dataSource = dataSource;
        this.space = space;
        this.ownedPool = ownedPool;
    }

    /**
     * Opens the store on a schema that Flyway migrated (V84); the caller owns the data source.
     *
     * @throws StoreException when the table is missing or its centroid dimension differs from the space's
     */
    public static PgVectorInsightStore open(DataSource dataSource, EmbeddingSpace space) {
        check(dataSource, space);
        return new PgVectorInsightStore(dataSource, space, null);
    }

    /** Opens the store on a JDBC URL with a small pool of its own, closed with the store. */
    public static PgVectorInsightStore open(String jdbcUrl, String user, String password, EmbeddingSpace space) {
        return VectorTables.openWithOwnPool(jdbcUrl, user, password, 4, "casebook-insights", pool -> {
            check(pool, space);
            return new PgVectorInsightStore(pool, space, pool);
        });
    }

    private static void check(DataSource dataSource, EmbeddingSpace space) {
        try (Connection c = dataSource.getConnection()) {
            OptionalInt stored = VectorTables.vectorDimension(c, "insights", "centroid");
            if (stored.isEmpty()) {
                throw new StoreException("no table 'insights' with a 'centroid' column on the search path of "
                        + c.getMetaData().getURL() + "; run the Flyway migrations of casebook-db (V84) on this"
                        + " schema first", false, null);
            }
            if (stored.getAsInt() != space.dimension()) {
                throw new StoreException("the PostgreSQL table insights was built with embedding dimension "
                        + stored.getAsInt() + "; opening it with dimension " + space.dimension() + " (model "
                        + space.modelId() + ") is refused", false, null);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check the insights table: " + e.getMessage(), true, e);
        }
    }

    @Override
    public Insight save(Insight insight) {
        space.requireUsable(insight.centroid());
        String sql = "insert into insights (id, tenant, bank, family, text, centroid, members, successes, failures,"
                + " evidence, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set"
                + " bank = excluded.bank, family = excluded.family, text = excluded.text,"
                + " centroid = excluded.centroid, members = excluded.members, successes = excluded.successes,"
                + " failures = excluded.failures, evidence = excluded.evidence, updated_at = excluded.updated_at"
                + " where insights.tenant = excluded.tenant";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, insight.id());
            s.setString(2, insight.tenant());
            s.setString(3, insight.bank());
            s.setString(4, insight.family());
            s.setString(5, insight.text());
            s.setObject(6, new PGvector(insight.centroid()));
            s.setInt(7, insight.members());
            s.setInt(8, insight.successes());
            s.setInt(9, insight.failures());
            s.setString(10, String.join(",", insight.evidence().stream().map(UUID::toString).toList()));
            s.setTimestamp(11, Timestamp.from(insight.updatedAt()));
            if (s.executeUpdate() == 0) {
                throw new IllegalArgumentException("insight " + insight.id() + " belongs to another tenant");
            }
            return insight;
        } catch (SQLException e) {
            throw new StoreException("cannot save insight " + insight.id() + ": " + e.getMessage(), true, e);
        }
    }

    @Override
    public List<ScoredInsight> nearest(InsightQuery query) {
        PGvector task = new PGvector(space.requireUsable(query.task()));
        String sql = "select " + COLUMNS + ", 1 - (centroid <=> ?) as score from insights where tenant = ?"
                + (query.banks().isEmpty() ? "" : " and bank = any(?)")
                + " and 1 - (centroid <=> ?) >= ? order by centroid <=> ?, id limit ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            s.setObject(i++, task);
            s.setString(i++, query.tenant());
            if (!query.banks().isEmpty()) {
                s.setArray(i++, c.createArrayOf("varchar", query.banks().toArray()));
            }
            s.setObject(i++, task);
            s.setDouble(i++, query.minSimilarity());
            s.setObject(i++, task);
            s.setInt(i, query.k());
            List<ScoredInsight> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new ScoredInsight(read(rs), rs.getDouble("score")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot look up insights of tenant " + query.tenant() + ": " + e.getMessage(),
                    true, e);
        }
    }

    @Override
    public Optional<Insight> get(String tenant, UUID id) {
        List<Insight> found = select("select " + COLUMNS + " from insights where tenant = ? and id = ?", tenant, id);
        return found.stream().findFirst();
    }

    @Override
    public List<Insight> list(String tenant) {
        return select("select " + COLUMNS + " from insights where tenant = ? order by updated_at desc, id", tenant,
                null);
    }

    @Override
    public boolean delete(String tenant, UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("delete from insights where tenant = ? and id = ?")) {
            s.setString(1, tenant);
            s.setObject(2, id);
            return s.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot delete insight " + id + ": " + e.getMessage(), true, e);
        }
    }

    @Override
    public void addPending(String tenant, UUID caseId) {
        pendingUpdate("insert into insight_pending (tenant, case_id) values (?, ?) on conflict do nothing", tenant,
                caseId, "record");
    }

    @Override
    public void removePending(String tenant, UUID caseId) {
        pendingUpdate("delete from insight_pending where tenant = ? and case_id = ?", tenant, caseId, "forget");
    }

    private void pendingUpdate(String sql, String tenant, UUID caseId, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, tenant);
            s.setObject(2, caseId);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " the pending distillation of case " + caseId + ": "
                    + e.getMessage(), true, e);
        }
    }

    @Override
    public List<PendingDistillation> pending() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select tenant, case_id from insight_pending order by seq");
                ResultSet rs = s.executeQuery()) {
            List<PendingDistillation> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new PendingDistillation(rs.getString("tenant"), rs.getObject("case_id", UUID.class)));
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read the pending distillations: " + e.getMessage(), true, e);
        }
    }

    @Override
    public int dimension() {
        return space.dimension();
    }

    @Override
    public void close() {
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                throw new StoreException("cannot close the insight store's pool: " + e.getMessage(), false, e);
            }
        }
    }

    private List<Insight> select(String sql, String tenant, UUID id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, tenant);
            if (id != null) {
                s.setObject(2, id);
            }
            List<Insight> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("cannot read insights of tenant " + tenant + ": " + e.getMessage(), true, e);
        }
    }

    private static Insight read(ResultSet rs) throws SQLException {
        String evidence = rs.getString("evidence");
        return new Insight(rs.getObject("id", UUID.class), rs.getString("tenant"), rs.getString("bank"),
                rs.getString("family"), rs.getString("text"), new PGvector(rs.getString(6)).toArray(),
                rs.getInt("members"), rs.getInt("successes"), rs.getInt("failures"),
                evidence.isEmpty() ? List.of() : Arrays.stream(evidence.split(",")).map(UUID::fromString).toList(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
