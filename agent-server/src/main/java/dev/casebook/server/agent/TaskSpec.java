package dev.casebook.server.agent;

import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.TaskKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the agent needs to run one task. Built with {@link #of} and the withers, each of which goes
 * through the canonical constructor's checks.
 *
 * @param id            the task id (run records use the same)
 * @param tenant        owner of the task; only this tenant's cases are selected or written
 * @param text          the task as the user wrote it
 * @param attachments   files of the task, readable by tools
 * @param memoryMode    off / read-only / read-write
 * @param policy        case-selection policy name ({@code similarity}, {@code learned}); null for the default
 * @param budgets       limits of the run
 * @param origin        where the task came from (e.g. {@code gaia:validation:<task_id>}); written as the case's
 *                      origin, empty for ad-hoc tasks
 * @param excludeOrigins case origins never to select for this task (leave-one-task-out in evaluation runs)
 * @param excludeTasks   task texts (as {@link TaskKey}s) whose cases are never selected for this task, whatever their
 *                       origin (leave-one-task-out: the question's own text)
 * @param source         where the task's experience comes from: {@code REAL} tools, the experience model of a dream
 *                       rollout ({@code SYNTHETIC}), or a generated task's workspace ({@code SANDBOX}); the case it
 *                       writes and its run record say so
 * @param conversation   the chat the task is the latest message of (instructions, earlier turns, sampling);
 *                       {@link Conversation#NONE} for a task on its own
 * @param banks          the case bank the episode is written to and those cases are selected from
 */
public record TaskSpec(
        String id,
        String tenant,
        String text,
        List<Path> attachments,
        MemoryMode memoryMode,
        String policy,
        Budgets budgets,
        String origin,
        Set<String> excludeOrigins,
        Set<TaskKey> excludeTasks,
        CaseSource source,
        Conversation conversation,
        MemoryBanks banks) {

    public TaskSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("task text must not be blank");
        }
        attachments = List.copyOf(Objects.requireNonNullElse(attachments, List.of()));
        Objects.requireNonNull(memoryMode, "memoryMode");
        Objects.requireNonNull(budgets, "budgets");
        origin = origin == null ? "" : origin;
        excludeOrigins = Set.copyOf(Objects.requireNonNullElse(excludeOrigins, Set.of()));
        excludeTasks = Set.copyOf(Objects.requireNonNullElse(excludeTasks, Set.of()));
        Objects.requireNonNull(source, "source");
        conversation = Objects.requireNonNullElse(conversation, Conversation.NONE);
        banks = Objects.requireNonNullElse(banks, MemoryBanks.DEFAULT);
    }

    /**
     * A task with the defaults of {@code POST /api/tasks}: no attachments, memory {@code read-write}, the default
     * policy and budgets, no origin and no exclusions, source {@code REAL}, on its own (no conversation), the default
     * banks. The withers change one component each.
     */
    public static TaskSpec of(String id, String tenant, String text) {
        return new TaskSpec(id, tenant, text, List.of(), MemoryMode.READ_WRITE, null, Budgets.DEFAULT, "", Set.of(),
                Set.of(), CaseSource.REAL, Conversation.NONE, MemoryBanks.DEFAULT);
    }

    public TaskSpec withAttachments(List<Path> other) {
        return new TaskSpec(id, tenant, text, other, memoryMode, policy, budgets, origin, excludeOrigins,
                excludeTasks, source, conversation, banks);
    }

    public TaskSpec withMemoryMode(MemoryMode other) {
        return new TaskSpec(id, tenant, text, attachments, other, policy, budgets, origin, excludeOrigins,
                excludeTasks, source, conversation, banks);
    }

    /** @param other a policy name; null for the default */
    public TaskSpec withPolicy(String other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, other, budgets, origin, excludeOrigins,
                excludeTasks, source, conversation, banks);
    }

    public TaskSpec withBudgets(Budgets other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, other, origin, excludeOrigins,
                excludeTasks, source, conversation, banks);
    }

    public TaskSpec withOrigin(String other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, budgets, other, excludeOrigins,
                excludeTasks, source, conversation, banks);
    }

    public TaskSpec withExcludeOrigins(Set<String> other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, budgets, origin, other,
                excludeTasks, source, conversation, banks);
    }

    public TaskSpec withExcludeTasks(Set<TaskKey> other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins,
                other, source, conversation, banks);
    }

    public TaskSpec withSource(CaseSource other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins,
                excludeTasks, other, conversation, banks);
    }

    /** The same task as the latest message of this conversation. */
    public TaskSpec withConversation(Conversation other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins,
                excludeTasks, source, other, banks);
    }

    /** The same task with these banks. */
    public TaskSpec withBanks(MemoryBanks other) {
        return new TaskSpec(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins,
                excludeTasks, source, conversation, other);
    }
}
