package dev.casebook.memory.pgvector;

import dev.casebook.memory.Case;
import dev.casebook.memory.CaseLabel;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.TaskKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.hibernate.annotations.Type;

/** A row of the {@code cases} table (V1, V30, V79, V81 migrations). The generated {@code text_search} column is not mapped. */
@Entity
@Table(name = "cases")
class CaseRow {
    @Id
    private UUID id;
    @Column(nullable = false)
    private String tenant;
    @Column(nullable = false)
    private String task;
    @Column(nullable = false)
    private String plan;
    @Column(nullable = false)
    private String answer;
    private double reward;
    @Column(nullable = false)
    private String label;
    @Column(nullable = false)
    private String source;
    @Column(nullable = false)
    private String origin;
    /** The {@link TaskKey} of the task (V30 migration); written with the task, never read back into the case. */
    @Column(name = "task_key", nullable = false)
    private String taskKey;
    private int uses;
    private int successes;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;
    @Column(nullable = false)
    private String bank;
    /** Whether a real outcome confirmed the case (V81). */
    private boolean confirmed;
    /** Whether a rated real failure refuted the case (V90). */
    private boolean refuted;
    @Type(VectorType.class)
    @Column(nullable = false)
    private float[] embedding;

    protected CaseRow() {
    }

    CaseRow(Case value, float[] embedding) {
        this.id = value.id();
        this.embedding = embedding.clone();
        apply(value);
    }

    UUID id() {
        return id;
    }

    String tenant() {
        return tenant;
    }

    /** Copies every field but id and embedding from the case. */
    void apply(Case value) {
        tenant = value.tenant();
        task = value.task();
        taskKey = TaskKey.of(value.task()).hex();
        plan = value.plan();
        answer = value.answer();
        reward = value.reward();
        label = value.label().wireName();
        source = value.source().wireName();
        origin = value.origin();
        uses = value.uses();
        successes = value.successes();
        createdAt = value.createdAt();
        updatedAt = value.updatedAt();
        bank = value.bank();
        confirmed = value.confirmed();
        refuted = value.refuted();
    }

    /** A copy of the stored embedding. */
    float[] embedding() {
        return embedding.clone();
    }

    Case toCase() {
        return new Case(id, tenant, task, plan, answer, reward, CaseLabel.parse(label), CaseSource.parse(source),
                origin, uses, successes, createdAt, updatedAt, bank, confirmed, refuted);
    }

    /** PostgreSQL keeps microseconds; the case returned is the one a later read returns. */
    static Case truncated(Case c) {
        Instant created = c.createdAt().truncatedTo(ChronoUnit.MICROS);
        Instant updated = c.updatedAt().truncatedTo(ChronoUnit.MICROS);
        if (created.equals(c.createdAt()) && updated.equals(c.updatedAt())) {
            return c;
        }
        return new Case(c.id(), c.tenant(), c.task(), c.plan(), c.answer(), c.reward(), c.label(), c.source(),
                c.origin(), c.uses(), c.successes(), created, updated, c.bank(), c.confirmed(), c.refuted());
    }
}
