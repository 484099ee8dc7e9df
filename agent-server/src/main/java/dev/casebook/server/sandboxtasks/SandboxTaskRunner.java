package dev.casebook.server.sandboxtasks;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.batch.BatchExecutors;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.tasks.TaskRecords;
import dev.casebook.server.tasks.TaskSettings;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Starts, stops and resumes the sandbox task job executors of this instance. At start-up it gives back the claims
 * this instance held when it stopped and continues every unfinished job; finished generations and rollouts are not
 * redone.
 */
@Component
class SandboxTaskRunner {
    private static final Logger log = LoggerFactory.getLogger(SandboxTaskRunner.class);

    private final SandboxTaskRecords records;
    private final ObjectProvider<AgentFactory> agents;
    private final TaskSandbox sandbox;
    private final RunModels models;
    private final TaskRecords tasks;
    private final RolloutMemory memory;
    private final SandboxTaskSettings settings;
    private final String instance;
    private final Clock clock = Clock.systemUTC();
    private final BatchExecutors executors = new BatchExecutors("sandbox-task-job");

    SandboxTaskRunner(SandboxTaskRecords records, ObjectProvider<AgentFactory> agents, TaskSandbox sandbox,
                      RunModels models, TaskRecords tasks, RolloutMemory memory, SandboxTaskSettings settings,
                      TaskSettings taskSettings) {
        this.records = records;
        this.agents = agents;
        this.sandbox = sandbox;
        this.models = models;
        this.tasks = tasks;
        this.memory = memory;
        this.settings = settings;
        this.instance = taskSettings.instanceId();
    }

    /** Why jobs cannot run on this server (no agent, no sandbox); empty when they can. */
    Optional<String> unavailable() {
        if (agents.getIfAvailable() == null) {
            return Optional.of("no agent is configured (casebook.models.planner.base-url and .model); sandbox task"
                    + " jobs need one");
        }
        return sandbox.unavailable();
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        int released = records.tables().releaseAll(instance);
        List<String> jobs = records.tables().unfinishedRunIds();
        if (!jobs.isEmpty() || released > 0) {
            log.info("Sandbox tasks: resuming {} unfinished job(s); {} item claim(s) of instance {} given back",
                    jobs.size(), released, instance);
        }
        jobs.forEach(this::start);
    }

    /** Works the job on this instance; fails it when its models can no longer be served. */
    void start(String jobId) {
        Optional<String> unavailable = unavailable();
        if (unavailable.isPresent()) {
            log.warn("Sandbox task job {} waits: {}", jobId, unavailable.get());
            return;
        }
        SandboxTaskRecords.Job job = records.find(jobId).orElse(null);
        if (job == null) {
            return;
        }
        try {
            JobModels.of(models, job.settings().models());
        } catch (RuntimeException e) {
            log.warn("Sandbox task job {} cannot continue: {}", jobId, e.getMessage());
            records.tables().end(jobId, RunStatus.FAILED, e.getMessage(), clock.instant());
            return;
        }
        SandboxTaskExecutor.Context context = new SandboxTaskExecutor.Context(records, sandbox,
                agents.getObject(), models, tasks, memory, settings);
        executors.start(jobId, () -> new SandboxTaskExecutor(jobId, context, instance, clock));
    }

    void stop(String jobId) {
        executors.stop(jobId);
    }

    boolean awaitStopped(String jobId, Duration timeout) {
        return executors.awaitStopped(jobId, timeout);
    }

    /** Stops every executor and waits for them to give their claims back, before the database goes away. */
    @PreDestroy
    void shutdown() {
        executors.stopAll(Duration.ofSeconds(10));
    }
}
