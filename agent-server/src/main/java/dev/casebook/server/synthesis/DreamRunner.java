package dev.casebook.server.synthesis;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.batch.BatchExecutors;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.tasks.TaskRecords;
import dev.casebook.server.tasks.TaskSettings;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Starts, stops and resumes the dream job executors of this instance. At start-up it gives back the claims this
 * instance held when it stopped (a crash or kill leaves them) and continues every unfinished job.
 */
@Component
class DreamRunner {
    private static final Logger log = LoggerFactory.getLogger(DreamRunner.class);

    private final DreamRecords records;
    private final TaskRecords tasks;
    private final ObjectProvider<MemoryFeedback> memory;
    private final ReplayBuffer buffer;
    private final ObjectProvider<AgentFactory> agents;
    private final RunModels models;
    private final SynthesisSettings settings;
    private final int maxTaskChars;
    private final String instance;
    private final Clock clock = Clock.systemUTC();
    private final BatchExecutors executors = new BatchExecutors("dream-job");

    DreamRunner(DreamRecords records, TaskRecords tasks, ObjectProvider<MemoryFeedback> memory, ReplayBuffer buffer,
            ObjectProvider<AgentFactory> agents, RunModels models, SynthesisSettings settings,
            TaskSettings taskSettings) {
        this.records = records;
        this.tasks = tasks;
        this.memory = memory;
        this.buffer = buffer;
        this.agents = agents;
        this.models = models;
        this.settings = settings;
        this.maxTaskChars = taskSettings.maxTextChars();
        this.instance = taskSettings.instanceId();
    }

    /** True when this server can build dreaming agents (a planner model is configured). */
    boolean hasAgent() {
        return agents.getIfAvailable() != null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        int released = records.tables().releaseAll(instance);
        List<String> jobs = records.tables().unfinishedRunIds();
        if (!jobs.isEmpty() || released > 0) {
            log.info("Dreams: resuming {} unfinished job(s); {} item claim(s) of instance {} given back", jobs.size(),
                    released, instance);
        }
        jobs.forEach(this::start);
    }

    /** Works the job on this instance with the models it chose; fails it when they cannot be served any more. */
    void start(String jobId) {
        AgentFactory factory = agents.getIfAvailable();
        if (factory == null) {
            log.warn("Dream job {} waits: no agent is configured (casebook.models.planner.*)", jobId);
            return;
        }
        DreamRecords.Job job = records.find(jobId).orElse(null);
        if (job == null) {
            return;
        }
        DreamModels chosen;
        try {
            chosen = DreamModels.of(models, job.settings().modelChoices(), settings);
        } catch (IllegalStateException | IllegalArgumentException e) {
            log.warn("Dream job {} cannot continue: {}", jobId, e.getMessage());
            records.tables().end(jobId, RunStatus.FAILED, e.getMessage(), clock.instant());
            return;
        }
        DreamExecutor.Context context = new DreamExecutor.Context(records, tasks, memory.getIfAvailable(), buffer,
                factory, settings, maxTaskChars);
        executors.start(jobId, () -> new DreamExecutor(jobId, context, chosen, instance, clock));
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
