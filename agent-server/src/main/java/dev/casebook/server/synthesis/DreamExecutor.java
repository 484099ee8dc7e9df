package dev.casebook.server.synthesis;

import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.agent.AgentMemory;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.server.lessons.FailureAnalysis;
import dev.casebook.server.lessons.Trace;
import dev.casebook.memory.Rater;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.tasks.TaskStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one dream job on this instance ({@link BatchExecutor}: items claimed into free slots, each on a virtual
 * thread). Before the first claim it reads the real tasks that finished since into the replay buffer and embeds the
 * job's tenant's transitions not embedded yet, so no rollout's first call pays for them. A rollout is
 * dreamed ({@link DreamRollout}) and recorded as a task (source {@code synthetic}) with its reward (by
 * {@code experience-model}, in the same transaction), then finished; in read-write jobs the reward then goes to case
 * memory. A curriculum round
 * ({@link CurriculumRound}) adds its tasks and rollouts with its own finish; a task's group ({@link DreamGroup}) draws
 * the contrastive lesson of its passing and failing rollouts. A stopped executor records nothing more,
 * so interrupted items run again later and finished ones never do.
 */
final class DreamExecutor extends BatchExecutor<DreamRecords.Item> {
    private static final Logger log = LoggerFactory.getLogger(DreamExecutor.class);
    /** The most characters of a rollout's trace its group's failure analysis is shown (the sandbox tasks' default). */
    static final int MAX_TRACE_CHARS = 12_000;

    /** What the executor works with; the same for every job of this instance but the models. */
    record Context(DreamRecords records, TaskStore tasks, MemoryFeedback memory, AgentMemory agentMemory,
            ReplayTransitions buffer, AgentFactory agents, SynthesisSettings settings, int maxTaskChars) {
    }

    private final Context context;
    private final DreamModels models;
    private volatile DreamRecords.Job job;
    private volatile DreamRollout rollout;
    private volatile CurriculumRound curriculum;
    private volatile DreamGroup group;

    DreamExecutor(String jobId, Context context, DreamModels models, String instance, Clock clock) {
        super("dream job", jobId, context.records().tables(), instance, clock);
        this.context = context;
        this.models = models;
    }

    @Override
    protected int prepare() {
        job = context.records().find(runId).orElseThrow();
        try {
            context.buffer().ingest();
            context.buffer().prepare(job.tenant());
        } catch (RuntimeException e) {
            log.warn("dream job {}: the replay buffer could not read or embed the tasks finished since; it grounds "
                    + "with what it has", runId, e);
        }
        rollout = new DreamRollout(context.agents(), models, context.buffer(), context.settings());
        curriculum = new CurriculumRound(context.records(), models.experienceClient(),
                context.settings().experienceAttempts(), context.maxTaskChars(), context.settings().callTimeout());
        group = new DreamGroup(new FailureAnalysis(models.experienceClient(), context.settings().callTimeout(),
                FailureAnalysis.DREAM), context.records(), context.agentMemory());
        return job.settings().concurrency();
    }

    @Override
    protected String exhausted() {
        return TokenBudget.spent(job.settings().maxTokens(), () -> context.records().counts(runId).tokens(), "job",
                ", the agent's and the experience model's");
    }

    @Override
    protected List<DreamRecords.Item> claim(int limit) {
        return context.records().claim(runId, instance, clock.instant(), limit);
    }


    @Override
    protected void execute(DreamRecords.Item item) {
        if (DreamRecords.CURRICULUM.equals(item.kind())) {
            vary(item);
        } else if (DreamRecords.GROUP.equals(item.kind())) {
            decide(item);
        } else {
            finish(item, rollout.dream(job, item));
        }
    }

    private void vary(DreamRecords.Item item) {
        CurriculumRound.Proposal proposal;
        try {
            proposal = curriculum.propose(job, item.epoch() / 2);
        } catch (InterruptedException e) {
            return; // the claim is given back; the round runs again
        }
        record(item, proposal.tokens(), () -> context.records().finishCurriculum(runId, item, instance, proposal,
                clock.instant()));
    }

    private void decide(DreamRecords.Item item) {
        DreamGroup.Decision decision;
        try {
            decision = group.decide(job, item);
        } catch (InterruptedException e) {
            return; // the claim is given back; the group is decided again
        }
        record(item, decision.tokens(), () -> context.records().finishGroup(runId, item.seq(), instance,
                group.remember(job, item, decision), clock.instant()));
    }

    /** Records the rollout, unless the job is being stopped: then its claim is given back and it runs again. */
    private void finish(DreamRecords.Item item, DreamRollout.Dreamed dreamed) {
        String outcome = switch (dreamed.outcome()) {
            case Outcome.Answered a -> "answered";
            case Outcome.Failed f -> f.reason();
        };
        String caseId = dreamed.outcome() instanceof Outcome.Answered a && a.caseId() != null ? a.caseId().toString()
                : null;
        Trace trace = Trace.of(dreamed.steps(), MAX_TRACE_CHARS);
        DreamRecords.Finished finished = new DreamRecords.Finished(dreamed.spec().id(), caseId, outcome,
                dreamed.detail(), dreamed.reward(), dreamed.outcome().tokens(),
                dreamed.episode().tokens() + dreamed.judgeTokens(), dreamed.millis(),
                DreamRecords.JSON.writeValueAsString(DreamRollout.transitions(dreamed.episode())), trace.plan(),
                trace.text(), dreamed.outcome() instanceof Outcome.Answered answered ? answered.answer() : null);
        Step.Rewarded reward = dreamed.judged()
                ? new Step.Rewarded(dreamed.reward(), "experience-model", dreamed.judgeTokens(), 0) : null;
        record(item, finished.tokens() + finished.experienceTokens(), () -> { // as the job counts them: agent and model
            context.tasks().recordEpisode(dreamed.spec(), dreamed.steps(), dreamed.outcome(), reward);
            boolean recorded = context.records().finishRollout(runId, item.seq(), instance, finished, clock.instant());
            if (recorded && reward != null && context.memory() != null
                    && dreamed.outcome() instanceof Outcome.Answered) {
                context.memory().apply(dreamed.spec(), dreamed.outcome(), dreamed.reward(), Rater.EXPERIENCE_MODEL,
                        context.settings().policyWeight());
            }
        });
    }
}
