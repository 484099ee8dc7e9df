package dev.casebook.server.tasks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The run record of one task (table {@code tasks}). Mutated only through {@link TaskRecords}. */
@Entity
@Table(name = "tasks")
class TaskEntity {
    @Id
    String id;
    String tenant;
    String text;
    @Enumerated(EnumType.STRING)
    TaskStatus status;
    @Column(name = "memory_mode")
    String memoryMode;
    String policy;
    /** JSON of the budgets the task ran with. */
    String budgets;
    /** JSON array of attachment ids. */
    String attachments;
    String answer;
    String reason;
    String detail;
    Double reward;
    @Column(name = "reward_by")
    String rewardBy;
    long tokens;
    @Column(name = "case_id")
    String caseId;
    /** Where the task came from (e.g. {@code gaia:validation:<id>}); empty for ad-hoc tasks. */
    String origin;
    /** JSON array of case origins never selected for the task. */
    @Column(name = "exclude_origins")
    String excludeOrigins;
    /** JSON array of task keys (hex) whose cases are never selected for the task. */
    @Column(name = "exclude_tasks")
    String excludeTasks;
    /** The instance that received the task while it is queued; the one that claimed it once it runs. */
    String runner;
    /** Times the task was started; the current claim's attempt fences the writes of its run. */
    int attempt;
    @Column(name = "lease_until")
    Instant leaseUntil;
    @Column(name = "cancel_requested_at")
    Instant cancelRequestedAt;
    @Column(name = "created_at")
    Instant createdAt;
    @Column(name = "started_at")
    Instant startedAt;
    @Column(name = "finished_at")
    Instant finishedAt;
    @Column(name = "feedback_at")
    Instant feedbackAt;
    /** Where the experience came from: {@code real}, or {@code synthetic} for a dream rollout. */
    String source = "real";
    /** JSON of the chat the task is the latest message of (V75); null for a task on its own. */
    String conversation;
    /** The bank a read-write task writes its case to (V80). */
    String bank = "default";
    /** JSON array of the banks its cases are selected from; empty for all (V80). */
    String banks = "[]";

    protected TaskEntity() {
    }
}
