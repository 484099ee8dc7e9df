package dev.casebook.server.cases;

import dev.casebook.memory.Case;
import java.time.Instant;

/**
 * A case as the API shows it (and as export/import lines carry it); {@code confirmed}: a real outcome confirmed this
 * synthetic or sandbox case (a real task shown it earned a rated reward of at least 0.5); {@code refuted}: a rated
 * real failure refuted this unconfirmed synthetic case (a real task shown it earned a rated reward below 0.5), and it
 * is not shown to tasks again until a person reinstates it ({@code PATCH /api/cases/{id}} {@code {"refuted": false}}).
 */
record CaseView(String id, String task, String plan, String answer, double reward, String label, String source,
        String origin, String bank, int uses, int successes, boolean confirmed, boolean refuted, Instant createdAt, Instant updatedAt,
        Double score) {

    static CaseView of(Case c, Double score) {
        return new CaseView(c.id().toString(), c.task(), c.plan(), c.answer(), c.reward(), c.label().wireName(),
                c.source().wireName(), c.origin(), c.bank(), c.uses(), c.successes(), c.confirmed(),
                c.refuted(), c.createdAt(), c.updatedAt(), score);
    }
}
