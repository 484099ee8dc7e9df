package dev.casebook.server.tasks;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

interface TaskRepository extends JpaRepository<TaskEntity, String> {

    Optional<TaskEntity> findByIdAndTenant(String id, String tenant);

    Page<TaskEntity> findByTenant(String tenant, Pageable pageable);

    Page<TaskEntity> findByTenantAndStatus(String tenant, TaskStatus status, Pageable pageable);

    Page<TaskEntity> findByTenantAndSource(String tenant, String source, Pageable pageable);

    Page<TaskEntity> findByTenantAndStatusAndSource(String tenant, TaskStatus status, String source,
            Pageable pageable);

    @Modifying
    @Query("""
            update TaskEntity t set t.status = :to, t.answer = :answer, t.reason = :reason, t.detail = :detail,
              t.tokens = :tokens, t.caseId = :caseId, t.finishedAt = :at
            where t.id = :id and t.status in :from""")
    int finish(String id, Collection<TaskStatus> from, TaskStatus to, String answer, String reason, String detail,
            long tokens, String caseId, Instant at);

    /** Records a reward once: 0 when the task already has feedback. */
    @Modifying
    @Query("""
            update TaskEntity t set t.reward = :reward, t.rewardBy = :by, t.feedbackAt = :at
            where t.id = :id and t.tenant = :tenant and t.feedbackAt is null""")
    int feedback(String id, String tenant, double reward, String by, Instant at);
}
