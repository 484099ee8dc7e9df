package dev.casebook.server.tasks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** A case the policy selected for a task, with its score (table {@code task_selected_cases}). */
@Entity
@Table(name = "task_selected_cases")
@IdClass(SelectedCaseEntity.Key.class)
class SelectedCaseEntity {
    @Id
    @Column(name = "task_id")
    String taskId;
    @Id
    int position;
    @Column(name = "case_id")
    String caseId;
    double score;
    String role;
    String task;
    String label;
    /** The case's counts when it was selected (V32); null in rows recorded before. */
    Integer uses;
    Integer successes;

    protected SelectedCaseEntity() {
    }

    SelectedCaseEntity(String taskId, int position, String caseId, double score, String role, String task,
            String label, int uses, int successes) {
        this.taskId = taskId;
        this.position = position;
        this.caseId = caseId;
        this.score = score;
        this.role = role;
        this.task = task;
        this.label = label;
        this.uses = uses;
        this.successes = successes;
    }

    record Key(String taskId, int position) implements Serializable {
        Key() {
            this(null, 0);
        }
    }
}
