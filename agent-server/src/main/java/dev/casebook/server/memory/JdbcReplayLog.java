package dev.casebook.server.memory;

import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.embedding.VectorBytes;
import dev.casebook.memory.policy.learned.ReplayExample;
import dev.casebook.memory.policy.learned.ReplayLog;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The learned policy's replay examples in the run records' database (table {@code policy_replay}, V20; its
 * {@code tenant} column, V31; the case's source, its confirmed bit and the example's weight, V81).
 */
final class JdbcReplayLog implements ReplayLog {

    private final JdbcTemplate jdbc;

    JdbcReplayLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void append(ReplayExample example) {
        jdbc.update("INSERT INTO policy_replay (tenant, case_id, state, case_vector, uses, successes, label, reward,"
                + " case_source, confirmed, weight, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                example.tenant(), example.caseId().toString(), VectorBytes.bytes(example.state()),
                VectorBytes.bytes(example.caseVector()), example.uses(), example.successes(),
                example.label().wireName(), example.reward(), example.source().wireName(), example.confirmed(),
                example.weight(), Timestamp.from(Instant.now()));
    }

    @Override
    public List<ReplayExample> recent(int limit) {
        List<ReplayExample> newestFirst = new ArrayList<>(jdbc.query("SELECT tenant, case_id, state, case_vector,"
                + " uses, successes, label, reward, case_source, confirmed, weight FROM policy_replay"
                + " ORDER BY id DESC LIMIT ?",
                (rs, n) -> new ReplayExample(rs.getString("tenant"), VectorBytes.floats(rs.getBytes("state")),
                        UUID.fromString(rs.getString("case_id")), VectorBytes.floats(rs.getBytes("case_vector")),
                        rs.getInt("uses"), rs.getInt("successes"), CaseLabel.parse(rs.getString("label")),
                        rs.getDouble("reward"), ReplayExample.NO_EPISODE, 1,
                        CaseSource.parse(rs.getString("case_source")), rs.getBoolean("confirmed"),
                        rs.getDouble("weight")), limit));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Override
    public int deleteTenant(String tenant) {
        return jdbc.update("DELETE FROM policy_replay WHERE tenant = ?", tenant);
    }
}
