package dev.casebook.server.tasks;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface StepRepository extends JpaRepository<StepEntity, StepEntity.Key> {
    List<StepEntity> findByTaskIdOrderBySeq(String taskId);

    List<StepEntity> findByTaskIdAndSeqGreaterThanOrderBySeq(String taskId, int seq);

    @org.springframework.data.jpa.repository.Query("select coalesce(max(s.seq), 0) from StepEntity s where s.taskId = :taskId")
    int lastSeq(String taskId);

    /** True when a step of the task has a token count the model's server did not give (estimated). */
    boolean existsByTaskIdAndPayloadContaining(String taskId, String fragment);
}
