package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseStore.Derivation;
import dev.casebook.memory.CaseStore.Merge;
import dev.casebook.memory.CaseStore.Merged;
import dev.casebook.memory.Evidence;
import dev.casebook.memory.ScoredCase;
import dev.casebook.memory.StoreException;
import dev.casebook.memory.TaskKey;
import jakarta.persistence.LockModeType;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/**
 * The merge of an episode into {@link PgVectorCaseStore} ({@link dev.casebook.memory.CaseStore#merge}). Merges of
 * one (tenant, task key) are serialised across every connection to the database with a transaction-scoped advisory
 * lock; the search that follows sees every merge committed before the lock was granted. A new case (no case of its
 * id, no near-duplicate) is written with its event in one round trip ({@link OneTripInsert}); otherwise the event is
 * appended to the existing case in a transaction of its own, under the same lock.
 */
final class CaseMerges {
    private final CaseSessions sessions;
    private final OneTripInsert oneTrip;
    private final CaseSearches searches;

    CaseMerges(CaseSessions sessions, OneTripInsert oneTrip, CaseSearches searches) {
        this.sessions = sessions;
        this.oneTrip = oneTrip;
        this.searches = searches;
    }

    /** The merge of a usable embedding (the store checked it). */
    Merged merge(Merge merge) {
        Case created = CaseRow.truncated(merge.derive().apply(merge.fresh(), List.of(merge.evidence())));
        try {
            if (oneTrip.insert(created, merge.embedding(), merge.evidence(), merge.candidates(), merge.threshold())) {
                return new Merged(created, false);
            }
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) { // a unique violation: a concurrent write of the id; merge below
                throw new StoreException("merge an episode into case memory failed: " + e.getMessage(),
                        e.getSQLState() != null && e.getSQLState().startsWith("08"), e);
            }
        }
        return appendOrAdd(merge);
    }

    /** The merge in a Hibernate transaction: the path of an existing case or a near-duplicate. */
    private Merged appendOrAdd(Merge merge) {
        Case fresh = merge.fresh();
        return sessions.inTransaction("merge an episode into case memory", session -> {
            session.createNativeQuery("select cast(pg_advisory_xact_lock(hashtextextended(:key, 0)) as text)",
                    String.class).setParameter("key", "casebook-case:" + fresh.tenant() + ":"
                            + TaskKey.of(fresh.task()).hex()).getSingleResult();
            CaseRow target = session.find(CaseRow.class, fresh.id(), LockModeType.PESSIMISTIC_WRITE);
            if (target != null && !target.tenant().equals(fresh.tenant())) {
                throw new IllegalArgumentException("case " + fresh.id() + " already exists");
            }
            if (target == null) {
                List<ScoredCase> nearest = session.doReturningWork(c -> searches.nearest(c, merge.embedding(),
                        merge.candidates(), 1));
                if (!nearest.isEmpty() && nearest.getFirst().score() >= merge.threshold()) {
                    target = session.find(CaseRow.class, nearest.getFirst().value().id(),
                            LockModeType.PESSIMISTIC_WRITE);
                }
            }
            if (target != null) {
                return new Merged(append(session, target, merge.evidence(), merge.derive()), true);
            }
            List<Evidence> events = List.of(merge.evidence());
            Case created = CaseRow.truncated(merge.derive().apply(fresh, events));
            session.persist(new CaseRow(created, merge.embedding()));
            session.flush();
            EvidenceRows.insert(session, created.id(), events);
            return new Merged(created, false);
        });
    }

    /**
     * Appends the event to the locked row's evidence and writes the derived case back: a merge into an existing case
     * or a near-duplicate, and {@link dev.casebook.memory.CaseStore#addEvidence}.
     */
    static Case append(Session session, CaseRow row, Evidence evidence, Derivation derive) {
        List<Evidence> events = new ArrayList<>(EvidenceRows.of(session, row.id()));
        events.add(evidence);
        Case next = CaseRow.truncated(derive.apply(row.toCase(), events));
        row.apply(next);
        EvidenceRows.insert(session, row.id(), List.of(evidence));
        return next;
    }
}
