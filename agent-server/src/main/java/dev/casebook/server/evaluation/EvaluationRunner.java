package dev.casebook.server.evaluation;

import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.batch.BatchRunner;
import dev.casebook.server.batch.ClusterSettings;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.tasks.TaskStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Starts, stops and resumes the run executors of this instance. At start-up it gives back the claims this instance
 * held when it stopped (a crash or kill leaves them) and continues every unfinished run.
 */
@Component
class EvaluationRunner extends BatchRunner {
    private final RunRecords records;
    private final ObjectProvider<Agent> agent;
    private final RunAgents agents;
    private final TaskStore tasks;
    private final ObjectProvider<MemoryFeedback> memory;

    EvaluationRunner(RunRecords records, ObjectProvider<Agent> agent, RunAgents agents, TaskStore tasks,
                     ObjectProvider<MemoryFeedback> memory, ClusterSettings cluster) {
        super(new Names("evaluation run", "runs", "eval-run"), records.tables(), cluster);
        this.records = records;
        this.agent = agent;
        this.agents = agents;
        this.tasks = tasks;
        this.memory = memory;
    }

    boolean hasAgent() {
        return agent.getIfAvailable() != null;
    }

    /** Works the run on this instance with the agent and scorers of its models; fails it when they are gone. */
    @Override
    public void start(String runId) {
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
            fail(runId, e.getMessage());
            return;
        }
        work(runId, () -> new RunExecutor(runId, records, tasks, current, scorers, memory.getIfAvailable(),
                instance, clock));
    }
}
