package dev.casebook.memory.pgvector;

import dev.casebook.memory.Evidence;
import dev.casebook.memory.EvidenceSource;
import dev.casebook.memory.Rater;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hibernate.Session;

/** The {@code case_evidence} table (V79 migration): one row per event, in the order they were appended. */
final class EvidenceRows {
    private EvidenceRows() {
    }

    static void insert(Session session, UUID caseId, List<Evidence> events) {
        for (Evidence e : events) {
            session.createNativeMutationQuery("insert into case_evidence"
                    + " (case_id, episode, source, reward, rater, plan, answer, recorded_at)"
                    + " values (:caseId, :episode, :source, :reward, :rater, :plan, :answer, :at)")
                    .setParameter("caseId", caseId).setParameter("episode", e.episode())
                    .setParameter("source", e.source().wireName()).setParameter("reward", e.reward())
                    .setParameter("rater", e.rater().wireName()).setParameter("plan", e.plan())
                    .setParameter("answer", e.answer()).setParameter("at", e.at())
                    .executeUpdate();
        }
    }

    /** The case's events, oldest first; the caller checked the case's tenant. */
    static List<Evidence> of(Session session, UUID caseId) {
        return session.createNativeQuery("select episode, source, reward, rater, plan, answer, recorded_at"
                        + " from case_evidence where case_id = :caseId order by id", Object[].class)
                .setParameter("caseId", caseId).getResultList().stream()
                .map(r -> new Evidence((String) r[0], EvidenceSource.parse((String) r[1]),
                        ((Number) r[2]).doubleValue(), Rater.parse((String) r[3]), (String) r[4], (String) r[5],
                        instant(r[6])))
                .toList();
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant i -> i;
            case OffsetDateTime o -> o.toInstant();
            case java.sql.Timestamp t -> t.toInstant();
            default -> throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
        };
    }
}
