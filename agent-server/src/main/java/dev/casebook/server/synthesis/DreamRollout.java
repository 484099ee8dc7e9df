package dev.casebook.server.synthesis;

import dev.casebook.memory.CaseSource;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.AgentFactory;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.StopReason;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.llm.LlmException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dream rollout: the real agent (its case selection, planner, executor and memory writing) runs a whole episode
 * of a task against a {@link DreamEpisode}, whose tools have the real ones' specifications but are answered by the
 * experience model; the task is recorded with source {@code synthetic}, so its case enters memory marked so. An
 * answered episode's reward is the experience model's verdict ({@code experience-outcome}); an episode the agent
 * failed by itself ({@link dev.casebook.server.agent.StopReason#agentAtFault()}: its approach spent the token budget)
 * gets 0; one that failed for other reasons (the model's reply format, the LLM unreachable, the wall time) gets none.
 */
final class DreamRollout {
    private static final Logger log = LoggerFactory.getLogger(DreamRollout.class);

    private final AgentFactory agents;
    private final DreamModels models;
    private final ReplayTransitions buffer;
    private final SynthesisSettings settings;

    DreamRollout(AgentFactory agents, DreamModels models, ReplayTransitions buffer, SynthesisSettings settings) {
        this.agents = agents;
        this.models = models;
        this.buffer = buffer;
        this.settings = settings;
    }

    /**
     * A dreamed episode, not recorded yet.
     *
     * @param reward the episode's reward; null when it has none
     * @param detail what the verdict said (its reasoning, or why there is none)
     */
    record Dreamed(TaskSpec spec, List<Step> steps, Outcome outcome, DreamEpisode episode, Double reward,
            boolean judged, String detail, long judgeTokens, long millis) {
    }

    Dreamed dream(DreamRecords.Job job, DreamRecords.Item item) {
        long started = System.nanoTime();
        DreamOptions dream = job.settings();
        TaskSpec spec = TaskSpec.of(BatchExecutor.itemTaskId(job.id(), item.seq()), job.tenant(), item.task())
                .withMemoryMode(dream.memoryMode()).withPolicy(dream.policy()).withOrigin("dream:" + job.id())
                .withSource(CaseSource.SYNTHETIC);
        DreamEpisode episode = new DreamEpisode(job.tenant(), item.task(), models.experience(), buffer,
                settings.groundingExamples(), settings.callTimeout());
        Agent agent = agents.withTools(models.agent(), episode::mirror);
        // steps are kept here and recorded after the episode: stopping interrupts this thread, and an interrupt
        // during a database write would close its connection
        List<Step> steps = new CopyOnWriteArrayList<>();
        Outcome outcome;
        try {
            outcome = agent.run(spec, steps::add);
        } catch (RuntimeException e) {
            log.warn("dream rollout {} of job {} failed", item.seq(), job.id(), e);
            outcome = new Outcome.Failed(StopReason.ERROR, e.toString(), List.of(), 0);
        }
        return switch (outcome) {
            case Outcome.Answered a -> judged(spec, steps, a, episode, started);
            case Outcome.Failed f -> new Dreamed(spec, steps, f, episode,
                    f.stopReason().agentAtFault() ? 0.0 : null, false, f.detail(), 0, millisSince(started));
        };
    }

    private Dreamed judged(TaskSpec spec, List<Step> steps, Outcome.Answered answered, DreamEpisode episode,
            long started) {
        Judgement judgement;
        try {
            judgement = models.experience().judge(spec.text(), episode.history(), answered.answer(),
                    Instant.now().plus(settings.callTimeout()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            judgement = new Judgement.Unrated("the verdict was interrupted", 0);
        } catch (LlmException e) {
            judgement = new Judgement.Unrated(e.getMessage(), 0);
        }
        return switch (judgement) {
            case Judgement.Rated r -> new Dreamed(spec, steps, answered, episode, r.reward(), true, r.reasoning(),
                    r.tokens(), millisSince(started));
            case Judgement.Unrated u -> new Dreamed(spec, steps, answered, episode, null, false, u.problem(),
                    u.tokens(), millisSince(started));
        };
    }

    /** The simulated calls as the results show them: the call, the model's reward, done and reasoning, grounding. */
    static List<Map<String, Object>> transitions(DreamEpisode episode) {
        return episode.calls().stream().map(call -> {
            Map<String, Object> view = new LinkedHashMap<>();
            Transition t = call.transition();
            view.put("tool", t.tool());
            view.put("arguments", t.arguments());
            view.put("reward", t.reward());
            view.put("done", t.done());
            view.put("failed", t.failed());
            view.put("reasoning", t.reasoning());
            view.put("grounding", call.grounding());
            view.put("attempts", call.attempts());
            return view;
        }).toList();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
