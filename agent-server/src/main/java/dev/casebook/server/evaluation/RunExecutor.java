package dev.casebook.server.evaluation;

import dev.casebook.eval.score.JudgeUnavailableException;
import dev.casebook.eval.score.ScoreResult;
import dev.casebook.eval.scoring.ScoreView;
import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.server.agent.Agent;
import dev.casebook.server.agent.MemoryBanks;
import dev.casebook.server.agent.Outcome;
import dev.casebook.server.agent.Step;
import dev.casebook.server.agent.StopReason;
import dev.casebook.server.agent.TaskSpec;
import dev.casebook.server.batch.BatchExecutor;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.memory.Rater;
import dev.casebook.server.memory.MemoryFeedback;
import dev.casebook.server.tasks.TaskStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one run on this instance ({@link BatchExecutor}: items claimed into free slots, each on a virtual thread):
 * runs the agent, scores the answer and records the item; in read-write runs the primary score goes to case memory
 * as the episode's reward. A stopped executor (cancel, shutdown) records nothing more, so interrupted items run
 * again later and finished ones are never redone.
 */
final class RunExecutor extends BatchExecutor<RunRecords.Item> {
    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);

    private final RunRecords records;
    /** Each item's episode is recorded as a task, so its trace can be read and streamed like any task's. */
    private final TaskStore tasks;
    private final Agent agent;
    private final ScorerRegistry scorers;
    private final MemoryFeedback memory;
    private RunRecords.Run run;

    RunExecutor(String runId, RunRecords records, TaskStore tasks, Agent agent, ScorerRegistry scorers,
                MemoryFeedback memory, String instance, Clock clock) {
        super("evaluation run", runId, records.tables(), instance, clock);
        this.records = records;
        this.tasks = tasks;
        this.agent = agent;
        this.scorers = scorers;
        this.memory = memory;
    }

    @Override
    protected int prepare() {
        run = records.find(runId).orElseThrow();
        return run.settings().concurrency();
    }

    @Override
    protected String exhausted() {
        return TokenBudget.spent(run.settings().maxTokens(), () -> records.counts(run).tokens(), "run", "");
    }

    @Override
    protected List<RunRecords.Item> claim(int limit) {
        return records.claim(runId, instance, clock.instant(), limit);
    }


    @Override
    protected void execute(RunRecords.Item item) {
        execute(run, item);
    }

    private void execute(RunRecords.Run run, RunRecords.Item item) {
        RunOptions settings = run.settings();
        String taskId = itemTaskId(runId, item.seq());
        boolean guard = settings.leaveOneTaskOut();
        TaskSpec spec = TaskSpec.of(taskId, run.tenant(), item.question())
                .withAttachments(item.attachments().stream().map(Path::of).toList()).withMemoryMode(settings.memoryMode())
                .withPolicy(settings.policy()).withOrigin(Guard.origin(item.question()))
                .withExcludeOrigins(Guard.excludedOrigins(guard, item.question()))
                .withExcludeTasks(Guard.excludedTasks(guard, item.question()))
                .withBanks(new MemoryBanks(settings.bank(), Set.copyOf(settings.banks())));
        long start = System.nanoTime();
        // steps are kept here and recorded after the episode: stop() interrupts this thread, and an interrupt during
        // a database write would close its connection
        List<Step> steps = new CopyOnWriteArrayList<>();
        Outcome outcome;
        try {
            outcome = agent.run(spec, steps::add);
        } catch (RuntimeException e) {
            log.warn("agent failed on item {} of run {}", item.seq(), runId, e);
            outcome = new Outcome.Failed(StopReason.ERROR, e.toString(), List.of(), 0);
        }
        if (stopped()) {
            return; // the claim is given back; the item runs again
        }
        String prediction = outcome instanceof Outcome.Answered answered ? answered.answer() : null;
        Map<String, Map<String, Object>> scores = new LinkedHashMap<>();
        long judgeTokens = 0;
        if (!item.golds().isEmpty()) {
            for (String name : settings.scorers()) {
                Map<String, Object> score = score(name, item, prediction);
                scores.put(name, score);
                judgeTokens += score.get("tokens") instanceof Number n ? n.longValue() : 0;
            }
        }
        long tokens = outcome.tokens() + judgeTokens; // what the item cost: the agent's calls and the judges'
        Boolean correct = item.golds().isEmpty() ? null : Boolean.TRUE.equals(scores.get(settings.primaryScorer()).get("correct"));
        boolean leak = settings.leaveOneTaskOut() && outcome.selected().stream().anyMatch(p -> Guard.sameText(p.task(), item.question()));
        String outcomeName = switch (outcome) {
            case Outcome.Answered a -> "answered";
            case Outcome.Failed f -> f.reason();
        };
        String detail = outcome instanceof Outcome.Failed failed ? failed.detail() : null;
        Outcome ended = outcome;
        record(item, tokens, () -> { // unless stopped meanwhile: the claim is given back and the item runs again
            // its trace is then read and replayed like any task's
            boolean estimated = tasks.recordEpisode(spec, steps, ended);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            boolean recorded = records.finish(runId, item.seq(), instance, new RunRecords.Finished(taskId, prediction,
                    outcomeName, detail, scores, correct, tokens, estimated, millis, picks(ended.selected()), leak),
                    clock.instant());
            if (recorded && correct != null && memory != null && ended instanceof Outcome.Answered answered) {
                rewardMemory(run, item, answered, correct);
            }
        });
    }

    /** In read-write runs the primary score is the episode's reward: its case and the cases it used learn from it. */
    private void rewardMemory(RunRecords.Run run, RunRecords.Item item, Outcome.Answered answered, boolean correct) {
        RunOptions settings = run.settings();
        List<MemoryFeedback.Credit> credits = answered.selected().stream()
                .filter(p -> p.caseId() != null)
                .map(MemoryFeedback.Credit::of).toList();
        memory.apply(new MemoryFeedback.Rating(run.tenant(), itemTaskId(run.id(), item.seq()), item.question(),
                answered.state(), settings.memoryMode(), settings.policy(),
                answered.caseId() == null ? null : answered.caseId().toString(), credits),
                correct ? 1.0 : 0.0, Rater.SCORER);
    }

    private Map<String, Object> score(String name, RunRecords.Item item, String prediction) {
        try {
            ScoreResult result = scorers.byName(name).score(item.question(), prediction, item.golds());
            return ScoreView.of(result);
        } catch (JudgeUnavailableException e) {
            Map<String, Object> failed = new LinkedHashMap<>();
            failed.put("kind", "error");
            failed.put("error", e.getMessage());
            failed.put("flagged", true);
            failed.put("correct", false);
            failed.put("value", 0.0);
            return failed;
        }
    }

    private static List<Map<String, Object>> picks(List<Step.CasesSelected.Pick> picks) {
        return picks.stream().map(p -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("caseId", p.caseId() == null ? null : p.caseId().toString());
            map.put("score", p.score());
            map.put("role", p.role());
            map.put("label", p.label());
            return map;
        }).toList();
    }
}
