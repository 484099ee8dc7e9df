package dev.casebook.server.sandboxtasks;

import dev.casebook.memory.MemoryMode;
import dev.casebook.server.batch.ItemCap;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.synthesis.WeakSpots;
import dev.casebook.server.web.ApiException;
import dev.casebook.tools.tasks.SandboxTask;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Checks a job request and records the job with a generation item per task slot before it starts. */
@Component
class JobCreation {
    static final int MAX_DOMAIN_CHARS = 500;
    static final int MAX_NAME_CHARS = 200;

    private final SandboxTaskRecords records;
    private final SandboxTaskRunner runner;
    private final RunModels models;
    private final RolloutMemory memory;
    private final SandboxTaskSettings settings;
    private final WeakSpots weakSpots;
    private final ItemCap cap;
    private final Clock clock = Clock.systemUTC();

    JobCreation(SandboxTaskRecords records, SandboxTaskRunner runner, RunModels models, RolloutMemory memory,
                SandboxTaskSettings settings, WeakSpots weakSpots) {
        this.records = records;
        this.weakSpots = weakSpots;
        this.runner = runner;
        this.models = models;
        this.memory = memory;
        this.settings = settings;
        this.cap = new ItemCap("sandbox task items", "casebook.sandbox-tasks.max-items", settings.maxItems(),
                "casebook.sandbox-tasks.max-tenant-items", settings.maxTenantItems());
    }

    SandboxTaskRecords.Job create(String tenant, JobRequest request) {
        if (request.domain() == null || request.domain().isBlank()) {
            throw ApiException.badRequest("field 'domain' is required: what the tasks are about, e.g. \"python data"
                    + " wrangling\"");
        }
        String domain = request.domain().strip();
        if (domain.length() > MAX_DOMAIN_CHARS) {
            throw ApiException.badRequest("field 'domain' has " + domain.length() + " characters; at most "
                    + MAX_DOMAIN_CHARS);
        }
        if (request.name() != null && request.name().strip().length() > MAX_NAME_CHARS) {
            throw ApiException.badRequest("field 'name' has more than " + MAX_NAME_CHARS + " characters");
        }
        List<Map<String, Object>> given = given(request);
        int tasks = within("tasks", given.isEmpty() ? request.tasks() : Integer.valueOf(given.size()), 4, 1,
                settings.maxTasks());
        int rollouts = within("rolloutsPerTask", request.rolloutsPerTask(), 2, 1, settings.maxRollouts());
        int concurrency = within("concurrency", request.concurrency(), 2, 1, settings.maxConcurrency());
        long items = JobOptions.items(tasks, rollouts);
        String breakdown = JobOptions.itemFormula(tasks, rollouts);
        cap.checkRun(items, breakdown);
        int perRound = within("tasksPerRound", request.tasksPerRound(), Math.min(4, tasks), 1, tasks);
        int start = within("startDifficulty", request.startDifficulty(), 2, SandboxTask.MIN_DIFFICULTY,
                SandboxTask.MAX_DIFFICULTY);
        MemoryMode mode = mode(request.memoryMode());
        String policy = policy(mode, request.policy());
        Map<String, RunModels.Choice> choices = chooseModels(request.models());
        int repairAttempts = within("repairAttempts", request.repairAttempts(), settings.repairAttempts(), 0, 10);
        String seedFrom = null;
        List<String> seeds = List.of();
        if (request.seedFrom() != null && !given.isEmpty()) {
            throw ApiException.badRequest("fields 'seedFrom' and 'given' exclude each other: given tasks are not"
                    + " generated");
        }
        if (request.seedFrom() != null) {
            try {
                seedFrom = WeakSpots.kind(request.seedFrom());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            seeds = weakSpots.tasks(tenant, seedFrom, tasks);
            if (seeds.isEmpty()) {
                throw ApiException.badRequest("field 'seedFrom' is " + seedFrom + ", but the tenant has no such real"
                        + " task yet" + ("failed-real".equals(seedFrom) ? " (a real task with a reward below 0.5)"
                        : " (an evaluation question whose attempts disagree)"));
            }
        }
        boolean harder = request.curriculum() != null && Boolean.TRUE.equals(request.curriculum().harder());
        Instant now = clock.instant();
        String name = request.name() == null || request.name().isBlank()
                ? cut(domain, MAX_NAME_CHARS - 21) + " " + now.toString().substring(0, 19) : request.name().strip();
        runnable(choices);
        SandboxTaskRecords.Job job = new SandboxTaskRecords.Job(UUID.randomUUID().toString(), tenant, name,
                RunStatus.QUEUED, new JobOptions(domain, tasks, rollouts, concurrency, perRound, start,
                mode, policy, choices, TokenBudget.requested(request.maxTokens()), repairAttempts,
                request.dedupe() == null || request.dedupe(), seedFrom, seeds, harder, given), null, now, null, null, null);
        cap.admit(tenant, items, breakdown, () -> records.unfinishedItems(tenant), () -> {
            records.create(job);
            return job;
        });
        runner.start(job.id());
        return job;
    }

    /** The frozen tasks asked for, each checked as a generator reply would be; empty for generated ones. */
    private static List<Map<String, Object>> given(JobRequest request) {
        if (request.given() == null) {
            return List.of();
        }
        if (request.given().isEmpty()) {
            throw ApiException.badRequest("field 'given' is empty: give at least one task, or leave it out");
        }
        if (request.tasks() != null && request.tasks() != request.given().size()) {
            throw ApiException.badRequest("field 'tasks' (" + request.tasks() + ") must be the number of given tasks ("
                    + request.given().size() + ") or left out");
        }
        for (int i = 0; i < request.given().size(); i++) {
            try {
                TaskJson.parse(TaskJson.JSON.writeValueAsString(request.given().get(i)));
            } catch (TaskJson.Invalid e) {
                throw ApiException.badRequest("field 'given[" + i + "]' is not a valid task: " + e.getMessage());
            }
        }
        return request.given();
    }

    /** Resumes a cancelled or failed job when its unfinished items fit the tenant's cap (429 otherwise). */
    void resume(SandboxTaskRecords.Job job) {
        runner.resume(job.id(), job.status(), resume -> cap.readmit(job.tenant(), runner.describe(job.id()),
                records.remainingItems(job), () -> records.unfinishedItems(job.tenant()), resume));
    }

    private MemoryMode mode(String requested) {
        MemoryMode mode;
        try {
            mode = requested == null ? MemoryMode.READ_WRITE : MemoryMode.parse(requested);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'memoryMode': " + e.getMessage());
        }
        if (mode != MemoryMode.OFF && !memory.available()) {
            throw ApiException.badRequest("field 'memoryMode' is " + mode.wireName() + ", but this server has no case"
                    + " memory (casebook.memory.store=none); use \"off\"");
        }
        return mode;
    }

    private String policy(MemoryMode mode, String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        if (mode != MemoryMode.OFF && !memory.policies().contains(requested)) {
            throw ApiException.badRequest("field 'policy' must be one of " + memory.policies() + ", was '" + requested
                    + "'");
        }
        return requested.strip();
    }

    /** The job's model of each role; a bad name, or a choice that cannot be served, is a 400. */
    private Map<String, RunModels.Choice> chooseModels(Map<String, String> requested) {
        try {
            return models.choose(requested);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * What this server lacks to run a good request (no planner, the code tool or {@code python3}, a role without a
     * model, a chosen profile gone): a 503, checked only once the request is known good, so a client's mistake is
     * always its 400.
     */
    private void runnable(Map<String, RunModels.Choice> choices) {
        runner.unavailable().ifPresent(reason -> {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, reason);
        });
        try {
            JobModels.of(models, choices);
        } catch (IllegalStateException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
    }

    private static int within(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw ApiException.badRequest("field '" + field + "' must be within [" + min + ", " + max + "], was " + v);
        }
        return v;
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }
}
