package dev.casebook.server.evaluation;

import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.batch.BatchExecutors;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.tasks.TaskRecords;
import dev.casebook.server.tasks.TaskSettings;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Starts, stops and resumes the run executors of this instance. At start-up it gives back the claims this instance
 * held when it stopped (a crash or kill leaves them) and continues every unfinished run.
 */
@Component
class EvaluationRunner {
    private static final Logger log = LoggerFactory.getLogger(EvaluationRunner.class);

    private final RunRecords records;
    private final ObjectProvider<Agent> agent;
    private final RunAgents agents;
    private final TaskRecords tasks;
    private final ObjectProvider<MemoryFeedback> memory;
    private final String instance;
    private final Clock clock = Clock.systemUTC();
    private final BatchExecutors executors = new BatchExecutors("eval-run");

    EvaluationRunner(RunRecords records, ObjectProvider<Agent> agent, RunAgents agents, TaskRecords tasks,
                     ObjectProvider<MemoryFeedback> memory, TaskSettings taskSettings) {
        this.records = records;
        this.agent = agent;
        this.agents = agents;
        this.tasks = tasks;
        this.memory = memory;
        this.instance = taskSettings.instanceId();
    }

    boolean hasAgent() {
        return agent.getIfAvailable() != null;
    }

    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        int released = records.releaseAll(instance);
        var runs = records.unfinishedRunIds();
        if (!runs.isEmpty() || released > 0) {
            log.info("Evaluation: resuming {} unfinished run(s); {} item claim(s) of instance {} given back", runs.size(), released, instance);
        }
        runs.forEach(this::start);
    }

    /** Works the run on this instance with the agent and scorers of its models; fails it when they are gone. */
    void start(String runId) {
        if (agent.getIfAvailable() == null) {
            log.warn("Evaluation run {} waits: no agent is configured (casebook.models.planner.*)", runId);
            return;
        }
        RunRecords.Run run = records.find(runId).orElse(null);
        if (run == null) {
            return;
        }
        Agent current;
        ScorerRegistry scorers;
        try {
            current = agents.agent(run.settings().modelChoices());
            scorers = agents.scorers(run.settings().modelChoices());
        } catch (IllegalStateException e) {
            log.warn("Evaluation run {} cannot continue: {}", runId, e.getMessage());
            records.end(runId, RunStatus.FAILED, e.getMessage(), clock.instant());
            return;
        }
        executors.start(runId, () -> new RunExecutor(runId, records, tasks, current, scorers, memory.getIfAvailable(),
                instance, clock));
    }

    void stop(String runId) {
        executors.stop(runId);
    }

    boolean active(String runId) {
        return executors.active(runId);
    }

    /** Waits until this instance no longer works the run; false when it still does after {@code timeout}. */
    boolean awaitStopped(String runId, Duration timeout) {
        return executors.awaitStopped(runId, timeout);
    }

    /** Stops every executor and waits for them to give their claims back, before the database goes away. */
    @PreDestroy
    void shutdown() {
        executors.stopAll(Duration.ofSeconds(10));
    }
}
