package dev.casebook.server.tasks;

import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.Budgets;
import dev.casebook.server.agent.Conversation;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.web.ApiException;
import dev.casebook.memory.Case;
import dev.casebook.server.agent.MemoryBanks;
import dev.casebook.server.memory.CaseBanks;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Takes a new task from a client of any API ({@code /api/tasks}, {@code /v1/chat/completions}): checks what the
 * client gave, records the task and hands it to the {@link TaskRunner} (run here at once, or queued for any replica).
 * Mistakes are {@link ApiException}s that say what was wrong.
 */
@Component
public class TaskSubmission {
    private final TaskRunner runner;
    private final TaskSettings settings;
    private final AttachmentLookup attachments;
    private final CaseBanks banks;
    private final ObjectProvider<AgentMemory> memory;
    private final KnownTasks known;

    TaskSubmission(TaskRunner runner, TaskSettings settings, AttachmentLookup attachments,
            CaseBanks banks, ObjectProvider<AgentMemory> memory, KnownTasks known) {
        this.known = known;
        this.banks = banks;
        this.memory = memory;
        this.runner = runner;
        this.settings = settings;
        this.attachments = attachments;
    }

    /**
     * A task as a client asks for it.
     *
     * @param text          the task; not blank, at most {@code casebook.tasks.max-text-chars}
     * @param memoryMode    how it uses case memory
     * @param policy        case-selection policy; null for the server's default
     * @param budgets       limits of the run
     * @param attachmentIds the tenant's attachments the tools may read
     * @param conversation  the chat the task is the latest message of; {@link Conversation#NONE} for none
     * @param bank          the case bank a read-write task writes to; null for {@code default}; never a read-only one
     * @param banks         the banks its cases are selected from; null or empty for every bank of the tenant
     */
    public record NewTask(String text, MemoryMode memoryMode, String policy, Budgets budgets,
            List<String> attachmentIds, Conversation conversation, String bank, List<String> banks) {
        public NewTask {
            Objects.requireNonNull(memoryMode, "memoryMode");
            Objects.requireNonNull(budgets, "budgets");
            attachmentIds = List.copyOf(Objects.requireNonNullElse(attachmentIds, List.of()));
            conversation = Objects.requireNonNullElse(conversation, Conversation.NONE);
            banks = banks == null ? List.of() : new ArrayList<>(banks); // may hold nulls: refused by submit
        }

        /** A task of the default banks (write {@code default}, read all). */
        public NewTask(String text, MemoryMode memoryMode, String policy, Budgets budgets,
                List<String> attachmentIds, Conversation conversation) {
            this(text, memoryMode, policy, budgets, attachmentIds, conversation, null, null);
        }
    }

    /** Submits the task; its view as recorded (queued, or already running here). */
    public TaskView submit(String tenant, NewTask task) {
        if (task.text() == null || task.text().isBlank()) {
            throw ApiException.badRequest("field 'text' must not be empty: the task to work on");
        }
        if (task.text().length() > settings.maxTextChars()) {
            throw ApiException.badRequest("field 'text' has " + task.text().length()
                    + " characters, more than the limit of " + settings.maxTextChars());
        }
        List<Path> files = new ArrayList<>();
        for (String id : task.attachmentIds()) {
            files.add(attachments.path(tenant, id)
                    .orElseThrow(() -> ApiException.badRequest("no attachment with id '" + id + "'")));
        }
        requireKnownPolicy(task.policy());
        MemoryBanks memoryBanks = banks(tenant, task);
        TaskSpec spec = TaskSpec.of(UUID.randomUUID().toString(), tenant, task.text()).withAttachments(files)
                .withMemoryMode(task.memoryMode()).withPolicy(task.policy()).withBudgets(task.budgets())
                .withConversation(task.conversation()).withBanks(memoryBanks);
        TaskView view = runner.submit(spec, task.attachmentIds());
        known.add(tenant, spec.id()); // recorded: its events and steps need not ask the database whether it exists
        return view;
    }

    /**
     * A policy this server does not have is the client's mistake, refused before anything is recorded (as dream jobs
     * refuse theirs); the run still stops with {@code unknown_policy} when a replica without it claims the task.
     */
    private void requireKnownPolicy(String policy) {
        unknownPolicy(policy).ifPresent(why -> {
            throw ApiException.badRequest("field 'policy': " + why);
        });
    }

    /** Why this server cannot select cases with {@code policy}; empty when it can (or memory is off entirely). */
    public Optional<String> unknownPolicy(String policy) {
        AgentMemory m = memory.getIfAvailable();
        if (m != null && policy != null && !policy.isBlank() && !m.policies().containsKey(policy)) {
            return Optional.of("no case-selection policy named '" + policy + "'; known: " + m.policies().keySet());
        }
        return Optional.empty();
    }

    /**
     * The banks of the task, as evaluation runs check theirs: names well formed (400), a read-write task never
     * writing to a read-only bank (409); names in {@code banks} need not exist yet (they then select nothing).
     */
    private MemoryBanks banks(String tenant, NewTask task) {
        Set<String> read = new LinkedHashSet<>();
        for (String name : task.banks()) {
            read.add(bankName("banks", name));
        }
        String write = task.bank() == null || task.bank().isBlank() ? Case.DEFAULT_BANK : bankName("bank", task.bank());
        if (task.memoryMode() == MemoryMode.READ_WRITE) {
            if (!banks.acceptsWrites(tenant, write)) {
                throw ApiException.conflict("bank '" + write + "' is read-only; a read-write task writes its case to a"
                        + " writable bank ('bank', default 'default') and only reads read-only banks ('banks')");
            }
        }
        return new MemoryBanks(write, read);
    }

    private static String bankName(String field, String name) {
        try {
            return CaseBanks.requireName(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field '" + field + "': " + e.getMessage());
        }
    }
}
