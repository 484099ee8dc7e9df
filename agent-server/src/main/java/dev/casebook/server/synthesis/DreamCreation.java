package dev.casebook.server.synthesis;

import dev.casebook.memory.TaskKey;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.batch.ItemCap;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.server.llm.ModelRole;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.tasks.TaskSettings;
import dev.casebook.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Checks a dream request, resolves its tasks, models and budget, and records the job with its items before it starts. */
@Component
class DreamCreation {
    static final int MAX_TASKS = 1_000;

    private final DreamRecords records;
    private final DreamRunner runner;
    private final RunModels models;
    private final SynthesisSettings settings;
    private final TaskSettings taskSettings;
    private final ObjectProvider<AgentMemory> memory;
    private final WeakSpots weakSpots;
    private final ItemCap cap;
    private final Clock clock = Clock.systemUTC();

    DreamCreation(DreamRecords records, DreamRunner runner, RunModels models, SynthesisSettings settings,
            TaskSettings taskSettings, ObjectProvider<AgentMemory> memory, WeakSpots weakSpots) {
        this.weakSpots = weakSpots;
        this.records = records;
        this.runner = runner;
        this.models = models;
        this.settings = settings;
        this.taskSettings = taskSettings;
        this.memory = memory;
        this.cap = new ItemCap("dream rollouts", "casebook.synthesis.max-rollouts", settings.maxRollouts(),
                "casebook.synthesis.max-tenant-rollouts", settings.maxTenantRollouts());
    }

    DreamRecords.Job create(String tenant, DreamRequest request) {
        List<String> seeds = tasks(tenant, request);
        int rollouts = within("rolloutsPerTask", request.rolloutsPerTask(), 4, 1, 100);
        int concurrency = within("concurrency", request.concurrency(), 4, 1, settings.maxConcurrency());
        MemoryMode mode = request.memoryMode() == null ? MemoryMode.READ_WRITE : MemoryMode.parse(request.memoryMode());
        String policy = policy(request.policy());
        Map<String, RunModels.Choice> choices = chooseModels(request.models());
        DreamOptions.Curriculum curriculum = curriculum(request.curriculum());
        long seedRollouts = (long) seeds.size() * rollouts;
        long wanted = seedRollouts + (long) curriculum.rounds() * curriculum.tasks() * curriculum.variations() * rollouts;
        int maxRollouts;
        if (request.maxRollouts() == null) {
            if (seedRollouts > settings.maxRollouts()) {
                throw ApiException.badRequest("the seeds' rollouts (" + seeds.size() + " tasks x " + rollouts + ") are "
                        + seedRollouts + ", more than casebook.synthesis.max-rollouts (" + settings.maxRollouts() + ")");
            }
            maxRollouts = (int) Math.min(wanted, settings.maxRollouts());
        } else {
            maxRollouts = within("maxRollouts", request.maxRollouts(), 0, 1, settings.maxRollouts());
            if (maxRollouts < seedRollouts) {
                throw ApiException.badRequest("field 'maxRollouts' (" + maxRollouts + ") is less than the seeds' "
                        + "rollouts (" + seeds.size() + " tasks x " + rollouts + " = " + seedRollouts + ")");
            }
        }
        Long maxTokens = TokenBudget.requested(request.maxTokens());
        DreamOptions dream = new DreamOptions(seeds.size(), rollouts, concurrency, mode, policy,
                curriculum, maxRollouts, RunModels.modelNames(choices), RunModels.profileNames(choices), maxTokens,
                request.seedFrom() == null ? null : WeakSpots.kind(request.seedFrom()));
        Instant now = clock.instant();
        String name = request.name() == null || request.name().isBlank()
                ? "dream of " + seeds.size() + " task" + (seeds.size() == 1 ? "" : "s") + " " + now
                : request.name().strip();
        if (name.length() > 200) {
            throw ApiException.badRequest("field 'name' has " + name.length() + " characters, more than 200");
        }
        runnable(choices);
        DreamRecords.Job job = new DreamRecords.Job(UUID.randomUUID().toString(), tenant, name, RunStatus.QUEUED,
                dream, null, now, null, null, null);
        cap.admit(tenant, maxRollouts, "its rollout budget: " + seeds.size() + " tasks x " + rollouts
                + " rollouts" + (curriculum.rounds() > 0 ? " plus the curriculum's variations" : ""), () -> records.unfinishedRollouts(tenant),
                () -> {
                    records.create(job, seeds);
                    return job;
                });
        runner.start(job.id());
        return job;
    }

    /** Resumes a cancelled or failed job when its unfinished rollouts fit the tenant's cap (429 otherwise). */
    void resume(DreamRecords.Job job) {
        runner.resume(job.id(), job.status(), resume -> cap.readmit(job.tenant(), runner.describe(job.id()),
                records.remainingRollouts(job), () -> records.unfinishedRollouts(job.tenant()), resume));
    }

    /** The inline tasks, then the recorded ones asked for, without repeats (same text after normalising). */
    private List<String> tasks(String tenant, DreamRequest request) {
        List<String> inline = request.tasks() == null ? List.of() : request.tasks();
        if (inline.size() > MAX_TASKS) {
            throw ApiException.badRequest("field 'tasks' has " + inline.size() + " tasks, more than " + MAX_TASKS);
        }
        List<String> tasks = new ArrayList<>();
        Set<TaskKey> seen = new HashSet<>();
        for (int i = 0; i < inline.size(); i++) {
            String text = inline.get(i);
            if (text == null || text.isBlank()) {
                throw ApiException.badRequest("field 'tasks[" + i + "]' must not be blank");
            }
            if (text.length() > taskSettings.maxTextChars()) {
                throw ApiException.badRequest("field 'tasks[" + i + "]' has " + text.length()
                        + " characters, more than the limit of " + taskSettings.maxTextChars());
            }
            if (seen.add(TaskKey.of(text))) {
                tasks.add(text.strip());
            }
        }
        if (request.seedFromRecorded() != null) {
            int n = within("seedFromRecorded", request.seedFromRecorded(), 0, 1, MAX_TASKS);
            List<String> recorded = records.recordedTasks(tenant, n);
            if (recorded.isEmpty()) {
                throw ApiException.badRequest("field 'seedFromRecorded': this tenant has no answered task that called a"
                        + " tool to seed from; give tasks inline in 'tasks'");
            }
            recorded.stream().filter(text -> seen.add(TaskKey.of(text))).forEach(tasks::add);
        }
        if (request.seedFrom() != null) {
            String kind;
            try {
                kind = WeakSpots.kind(request.seedFrom());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            int n = within("seedLimit", request.seedLimit(), 20, 1, MAX_TASKS);
            List<String> weak = weakSpots.tasks(tenant, kind, n);
            if (weak.isEmpty()) {
                throw ApiException.badRequest("field 'seedFrom' is " + kind + ", but the tenant has no such real task"
                        + " yet" + ("failed-real".equals(kind) ? " (a real task with a reward below 0.5)"
                        : " (an evaluation question whose attempts disagree)"));
            }
            weak.stream().filter(text -> seen.add(TaskKey.of(text))).forEach(tasks::add);
        }
        if (tasks.isEmpty()) {
            throw ApiException.badRequest("a dream job needs at least one task: field 'tasks' (task texts), "
                    + "'seedFromRecorded' (a number of recorded tasks) or 'seedFrom' (real weak spots)");
        }
        if (tasks.size() > MAX_TASKS) {
            throw ApiException.badRequest("a dream job may have at most " + MAX_TASKS + " seed tasks, was " + tasks.size());
        }
        return tasks;
    }

    private String policy(String policy) {
        AgentMemory m = memory.getIfAvailable();
        if (policy == null || policy.isBlank()) {
            return null;
        }
        if (m != null && !m.policies().containsKey(policy)) {
            throw ApiException.badRequest("field 'policy': no case-selection policy named '" + policy + "'; known: "
                    + m.policies().keySet());
        }
        return policy;
    }

    /** Each role's model; a bad name, or one this server cannot serve, is a 400. */
    private Map<String, RunModels.Choice> chooseModels(Map<String, String> requested) {
        try {
            return models.choose(requested, ModelRole.DREAM);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * What this server lacks to run a good request (no agent, a role without a model, a chosen profile gone): a 503,
     * checked only once the request is known good, so a client's mistake is always its 400.
     */
    private void runnable(Map<String, RunModels.Choice> choices) {
        if (!runner.hasAgent()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE,
                    "no agent is configured (casebook.models.planner.base-url and .model); dream jobs need one");
        }
        try {
            DreamModels.of(models, choices, settings);
        } catch (IllegalStateException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private static DreamOptions.Curriculum curriculum(DreamRequest.Curriculum c) {
        if (c == null) {
            return DreamOptions.Curriculum.NONE;
        }
        return new DreamOptions.Curriculum(within("curriculum.rounds", c.rounds(), 1, 0, 10),
                within("curriculum.tasks", c.tasks(), 2, 1, 100),
                within("curriculum.variations", c.variations(), 3, 1, 20), Boolean.TRUE.equals(c.harder()));
    }

    private static int within(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw ApiException.badRequest("field '" + field + "' must be within [" + min + ", " + max + "], was " + v);
        }
        return v;
    }
}
