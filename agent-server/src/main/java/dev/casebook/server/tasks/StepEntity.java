package dev.casebook.server.tasks;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** One recorded step of a task (table {@code task_steps}); {@code payload} is the step as JSON. */
@Entity
@Table(name = "task_steps")
@IdClass(StepEntity.Key.class)
class StepEntity {
    @Id
    @Column(name = "task_id")
    String taskId;
    @Id
    int seq;
    String type;
    String phase;
    String payload;
    long tokens;
    long millis;
    Instant at;

    protected StepEntity() {
    }

    StepEntity(String taskId, int seq, String type, String phase, String payload, long tokens, long millis,
            Instant at) {
        this.taskId = taskId;
        this.seq = seq;
        this.type = type;
        this.phase = phase;
        this.payload = payload;
        this.tokens = tokens;
        this.millis = millis;
        this.at = at;
    }

    record Key(String taskId, int seq) implements Serializable {
        Key() {
            this(null, 0);
        }
    }
}
