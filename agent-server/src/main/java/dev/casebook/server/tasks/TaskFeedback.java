package dev.casebook.server.tasks;

import dev.casebook.memory.CaseSource;
import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.Rater;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Feedback on a task: a reward in [0, 1], or a correct answer turned into reward 1 or 0 by exact match after
 * normalisation. Accepted once per task; a second feedback is a conflict. An accepted reward is applied to case
 * memory (the episode's case and the cases selected for it) exactly once, after it is recorded.
 */
@Component
public class TaskFeedback {
    private final TaskQueries records;
    private final TaskStore store;
    private final MemoryFeedback memory;

    TaskFeedback(TaskQueries records, TaskStore store, MemoryFeedback memory) {
        this.records = records;
        this.store = store;
        this.memory = memory;
    }

    /**
     * Feedback on the tenant's task: exactly one of {@code reward} (0..1) or {@code correctAnswer}; the task with its
     * reward.
     *
     * @throws dev.casebook.server.web.ApiException 400 for a bad value, 404 for an unknown task, 409 when the task
     *                                              has not ended or already has feedback
     */
    public TaskView give(String tenant, String id, Double reward, String correctAnswer) {
        return give(tenant, id, new TaskRequests.Feedback(reward, correctAnswer));
    }

    TaskView give(String tenant, String id, TaskRequests.Feedback body) {
        TaskView task = records.get(tenant, id);
        if ((body.reward() == null) == (body.correctAnswer() == null)) {
            throw ApiException.badRequest("give exactly one of 'reward' (0..1) or 'correctAnswer'");
        }
        if (body.reward() != null && (body.reward().isNaN() || body.reward() < 0 || body.reward() > 1)) {
            throw ApiException.badRequest("field 'reward' must be within [0, 1], was " + body.reward());
        }
        if (body.correctAnswer() != null && body.correctAnswer().isBlank()) {
            throw ApiException.badRequest("field 'correctAnswer' must not be empty");
        }
        if (!"answered".equals(task.status()) && !"failed".equals(task.status())) {
            throw ApiException.conflict("task '" + id + "' is " + task.status() + "; feedback needs a finished task");
        }
        double reward = body.reward() != null ? body.reward() : AnswerMatch.reward(task.answer(), body.correctAnswer());
        String by = body.reward() != null ? "feedback" : "feedback:correct-answer";
        if (!store.feedback(tenant, id, reward, by)) {
            throw ApiException.conflict("task '" + id + "' already has feedback (reward " + task.reward() + ")");
        }
        CaseSource source = task.source() == null ? CaseSource.REAL : CaseSource.parse(task.source());
        memory.apply(new MemoryFeedback.Rating(tenant, id, task.text(), null, MemoryMode.parse(task.memoryMode()),
                task.policy(), task.caseId(), records.credits(id), source), reward, Rater.FEEDBACK);
        return records.get(tenant, id);
    }
}
