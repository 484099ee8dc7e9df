package dev.casebook.server.synthesis;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.batch.BatchRunner;
import dev.casebook.server.batch.ClusterSettings;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.tasks.TaskStore;
import dev.casebook.server.tasks.TaskSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Starts, stops and resumes the dream job executors of this instance. At start-up it gives back the claims this
 * instance held when it stopped (a crash or kill leaves them) and continues every unfinished job.
 */
@Component
class DreamRunner extends BatchRunner {
    private final DreamRecords records;
    private final TaskStore tasks;
    private final ObjectProvider<MemoryFeedback> memory;
    private final ObjectProvider<AgentMemory> agentMemory;
    private final ReplayTransitions buffer;
    private final ObjectProvider<AgentFactory> agents;
    private final RunModels models;
    private final SynthesisSettings settings;
    private final int maxTaskChars;

    DreamRunner(DreamRecords records, TaskStore tasks, ObjectProvider<MemoryFeedback> memory,
            ObjectProvider<AgentMemory> agentMemory, ReplayTransitions buffer,
            ObjectProvider<AgentFactory> agents, RunModels models, SynthesisSettings settings,
            TaskSettings taskSettings, ClusterSettings cluster) {
        super(new Names("dream job", "jobs", "dream-job"), records.tables(), cluster);
        this.records = records;
        this.tasks = tasks;
        this.memory = memory;
        this.agentMemory = agentMemory;
        this.buffer = buffer;
        this.agents = agents;
        this.models = models;
        this.settings = settings;
        this.maxTaskChars = taskSettings.maxTextChars();
    }

    /** True when this server can build dreaming agents (a planner model is configured). */
    boolean hasAgent() {
        return agents.getIfAvailable() != null;
    }

    /** Works the job on this instance with the models it chose; fails it when they cannot be served any more. */
    @Override
    public void start(String jobId) {
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
            fail(jobId, e.getMessage());
            return;
        }
        DreamExecutor.Context context = new DreamExecutor.Context(records, tasks, memory.getIfAvailable(),
                agentMemory.getIfAvailable(), buffer,
                factory, settings, maxTaskChars);
        work(jobId, () -> new DreamExecutor(jobId, context, chosen, instance, clock));
    }
}
