package dev.casebook.server.sandboxtasks;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.batch.BatchRunner;
import dev.casebook.server.batch.ClusterSettings;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.tasks.TaskQueries;
import dev.casebook.server.tasks.TaskStore;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Starts, stops and resumes the sandbox task job executors of this instance. At start-up it gives back the claims
 * this instance held when it stopped and continues every unfinished job; finished generations and rollouts are not
 * redone.
 */
@Component
class SandboxTaskRunner extends BatchRunner {
    private final SandboxTaskRecords records;
    private final ObjectProvider<AgentFactory> agents;
    private final TaskSandbox sandbox;
    private final RunModels models;
    private final TaskStore tasks;
    private final TaskQueries queries;
    private final RolloutMemory memory;
    private final SandboxTaskSettings settings;
    private final TaskNovelty novelty;

    SandboxTaskRunner(SandboxTaskRecords records, ObjectProvider<AgentFactory> agents, TaskSandbox sandbox,
                      RunModels models, TaskStore tasks, TaskQueries queries, RolloutMemory memory,
                      SandboxTaskSettings settings, ClusterSettings cluster, TaskNovelty novelty) {
        super(new Names("sandbox task job", "jobs", "sandbox-task-job"), records.tables(), cluster);
        this.records = records;
        this.agents = agents;
        this.sandbox = sandbox;
        this.models = models;
        this.tasks = tasks;
        this.queries = queries;
        this.memory = memory;
        this.settings = settings;
        this.novelty = novelty;
    }

    /** Why jobs cannot run on this server (no agent, no sandbox); empty when they can. */
    Optional<String> unavailable() {
        if (agents.getIfAvailable() == null) {
            return Optional.of("no agent is configured (casebook.models.planner.base-url and .model); sandbox task"
                    + " jobs need one");
        }
        return sandbox.unavailable();
    }

    /** Works the job on this instance; fails it when its models can no longer be served. */
    @Override
    public void start(String jobId) {
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
            fail(jobId, e.getMessage());
            return;
        }
        SandboxTaskExecutor.Context context = new SandboxTaskExecutor.Context(records, sandbox,
                agents.getObject(), models, tasks, queries, memory, settings, novelty);
        work(jobId, () -> new SandboxTaskExecutor(jobId, context, instance, clock));
    }
}
