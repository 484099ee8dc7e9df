package dev.casebook.server.agent;

import dev.casebook.memory.MemoryMode;
import dev.casebook.memory.CaseSource;
import dev.casebook.memory.TaskKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the agent needs to run one task.
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

    /** A task of the default banks (write {@code default}, read all). */
    public TaskSpec(String id, String tenant, String text, List<Path> attachments, MemoryMode memoryMode,
            String policy, Budgets budgets, String origin, Set<String> excludeOrigins, Set<TaskKey> excludeTasks,
            CaseSource source, Conversation conversation) {
        this(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins, excludeTasks,
                source, conversation, MemoryBanks.DEFAULT);
    }

    /** A task on its own, not part of a chat. */
    public TaskSpec(String id, String tenant, String text, List<Path> attachments, MemoryMode memoryMode,
            String policy, Budgets budgets, String origin, Set<String> excludeOrigins, Set<TaskKey> excludeTasks,
            CaseSource source) {
        this(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins, excludeTasks,
                source, Conversation.NONE);
    }

    /** A task run against the real world (source {@code REAL}): every task but dream rollouts. */
    public TaskSpec(String id, String tenant, String text, List<Path> attachments, MemoryMode memoryMode,
            String policy, Budgets budgets, String origin, Set<String> excludeOrigins, Set<TaskKey> excludeTasks) {
        this(id, tenant, text, attachments, memoryMode, policy, budgets, origin, excludeOrigins, excludeTasks,
                CaseSource.REAL);
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
