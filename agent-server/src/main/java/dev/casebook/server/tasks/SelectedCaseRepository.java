package dev.casebook.server.tasks;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface SelectedCaseRepository extends JpaRepository<SelectedCaseEntity, SelectedCaseEntity.Key> {
    List<SelectedCaseEntity> findByTaskIdOrderByPosition(String taskId);
}
