package dev.casebook.server.tasks;

import dev.casebook.server.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * Cancels a task wherever it is: a queued one at once; a running one is interrupted here when it runs here, else its
 * cancel is requested and the instance running it interrupts it within a poll interval (the task is then still
 * {@code running}, with {@code cancelRequestedAt}).
 */
@Component
public class TaskCancellation {
    private final TaskQueries records;
    private final TaskStore store;
    private final TaskClaims claims;
    private final TaskRunner runner;

    TaskCancellation(TaskQueries records, TaskStore store, TaskClaims claims, TaskRunner runner) {
        this.records = records;
        this.store = store;
        this.claims = claims;
        this.runner = runner;
    }

    /**
     * Cancels the tenant's task; its view after the cancel.
     *
     * @throws ApiException 404 for an unknown task, 409 when it already ended
     */
    public TaskView cancel(String tenant, String id) {
        for (int round = 0; round < 3; round++) { // a task may move between queued and running meanwhile
            TaskView task = records.get(tenant, id);
            if (TaskStatus.parse(task.status()).finished()) {
                throw ApiException.conflict("task '" + id + "' already ended: " + task.status());
            }
            if (store.cancelQueued(id)) {
                return records.get(tenant, id);
            }
            if (claims.requestCancel(id)) {
                runner.interrupt(id, TaskRunner.Stop.CANCEL);
                return records.get(tenant, id);
            }
        }
        throw ApiException.conflict("task '" + id + "' kept changing state; cancel it again");
    }
}
