package dev.casebook.server.evaluation;

import dev.casebook.eval.data.Dataset;
import dev.casebook.eval.data.DatasetException;
import dev.casebook.eval.data.DatasetFormat;
import dev.casebook.eval.data.Datasets;
import dev.casebook.eval.data.EvalItem;
import dev.casebook.eval.run.Selection;
import dev.casebook.eval.score.JudgeNotConfiguredException;
import dev.casebook.eval.scoring.ScorerRegistry;
import dev.casebook.memory.MemoryMode;
import dev.casebook.server.memory.CaseBanks;
import dev.casebook.server.batch.ItemCap;
import dev.casebook.server.batch.RunStatus;
import dev.casebook.server.batch.TokenBudget;
import dev.casebook.server.llm.RunModels;
import dev.casebook.server.web.ApiException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Checks a run request, reads and selects the dataset, and records the run with all its items before it starts. */
@Component
class RunCreation {
    private final RunRecords records;
    private final EvaluationRunner runner;
    private final RunModels models;
    private final RunAgents agents;
    private final EvaluationSettings settings;
    private final DatasetPaths datasets;
    private final ItemCap cap;
    private final CaseBanks banks;
    private final Clock clock = Clock.systemUTC();

    RunCreation(RunRecords records, EvaluationRunner runner, RunModels models, RunAgents agents,
                EvaluationSettings settings, DatasetPaths datasets, CaseBanks banks) {
        this.banks = banks;
        this.records = records;
        this.runner = runner;
        this.models = models;
        this.agents = agents;
        this.settings = settings;
        this.datasets = datasets;
        this.cap = new ItemCap("evaluation items", "casebook.evaluation.max-items", settings.maxItems(),
                "casebook.evaluation.max-tenant-items", settings.maxTenantItems());
    }

    RunRecords.Run create(String tenant, RunRequest request) {
        if (request.dataset() == null || request.dataset().isBlank()) {
            throw ApiException.badRequest("field 'dataset' is required: a server path or an upload:<id> from POST /api/evaluations/datasets");
        }
        int attempts = within("attempts", request.attempts(), 1, 1, 100);
        int epochs = within("epochs", request.epochs(), 1, 1, 100);
        int concurrency = within("concurrency", request.concurrency(), 4, 1, settings.maxConcurrency());
        MemoryMode mode = request.memoryMode() == null ? MemoryMode.OFF : MemoryMode.parse(request.memoryMode());
        String split = request.split() == null ? "validation" : request.split();
        if (!split.equals("validation") && !split.equals("test")) {
            throw ApiException.badRequest("field 'split' must be 'validation' or 'test', was '" + split + "'");
        }
        Map<String, RunModels.Choice> choices = chooseModels(request.models());
        ScorerRegistry scorers = agents.scorers(choices);
        Path path = datasets.resolve(tenant, request.dataset());
        Dataset dataset = read(path, request.format(), split);
        Selection selection;
        try {
            selection = new Selection(request.groups() == null ? Set.of() : Set.copyOf(request.groups()),
                    request.limit(), request.sample(), request.seed() == null ? 0 : request.seed());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        List<EvalItem> chosen = selection.apply(dataset.items());
        if (chosen.isEmpty()) {
            throw ApiException.badRequest("no questions selected from " + dataset.name() + " (" + dataset.size()
                    + " questions; groups " + selection.groups() + ")");
        }
        List<String> scorerNames = request.scorers() == null || request.scorers().isEmpty()
                ? defaultScorers(scorers, dataset.format()) : List.copyOf(request.scorers());
        String missingJudge = null;
        for (String scorer : scorerNames) {
            try {
                scorers.byName(scorer); // an unknown name: 400
            } catch (JudgeNotConfiguredException e) {
                missingJudge = e.getMessage(); // what this server lacks: 503, once the request is known good
            }
        }
        long total = (long) chosen.size() * attempts * epochs;
        String breakdown = chosen.size() + " questions x " + attempts + " attempts x " + epochs + " epochs";
        cap.checkRun(total, breakdown);
        boolean guard = request.leaveOneTaskOut() == null || request.leaveOneTaskOut();
        Long maxTokens = TokenBudget.requested(request.maxTokens());
        RunOptions runSettings = new RunOptions(split, new ArrayList<>(selection.groups()), request.limit(),
                request.sample(), selection.seed(), attempts, concurrency, mode, request.policy(),
                scorerNames, epochs, guard, chosen.size(), RunModels.modelNames(choices),
                RunModels.profileNames(choices), maxTokens, null, readBanks(request.banks()));
        String runId = UUID.randomUUID().toString();
        if (mode == MemoryMode.READ_WRITE) {
            runSettings = withBank(runSettings, tenant, request.bank() == null || request.bank().isBlank()
                    ? "run-" + runId : request.bank());
        }
        Map<EvalItem, List<String>> attachments = new IdentityHashMap<>();
        for (EvalItem item : chosen) {
            attachments.put(item, item.attachments().stream()
                    .map(file -> datasets.attachment(tenant, request.dataset(), file).toString()).toList());
        }
        List<RunRecords.NewItem> items = new ArrayList<>((int) total);
        int seq = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (EvalItem item : chosen) {
                for (int attempt = 1; attempt <= attempts; attempt++) {
                    items.add(new RunRecords.NewItem(seq++, epoch, attempt, item.id(), item.group(), item.question(),
                            item.golds(), attachments.get(item)));
                }
            }
        }
        runnable(choices, missingJudge);
        Instant now = clock.instant();
        String name = request.name() == null || request.name().isBlank() ? dataset.name() + " " + now : request.name();
        RunRecords.Run run = new RunRecords.Run(runId, tenant, name, RunStatus.QUEUED,
                dataset.name(), path.toString(), dataset.format().name().toLowerCase(Locale.ROOT), runSettings,
                runSettings.primaryScorer(), items.size(), null, now, null, null, null);
        cap.admit(tenant, total, breakdown, () -> records.unfinishedItems(tenant), () -> {
            records.create(run, items);
            return run;
        });
        runner.start(run.id());
        return run;
    }

    /** Resumes a cancelled or failed run when its unfinished items fit the tenant's cap (429 otherwise). */
    void resume(RunRecords.Run run) {
        runner.resume(run.id(), run.status(), resume -> cap.readmit(run.tenant(), runner.describe(run.id()),
                records.remainingItems(run.id()), () -> records.unfinishedItems(run.tenant()), resume));
    }

    /** The bank a read-write run writes to: named, recorded, and never a read-only one (409). */
    private RunOptions withBank(RunOptions s, String tenant, String bank) {
        String name = bankName("bank", bank);
        if (banks.readOnly(tenant, name)) {
            throw ApiException.conflict("bank '" + name + "' is read-only; a read-write run writes its episodes to a"
                    + " bank of its own (leave 'bank' out for run-<id>) and only reads read-only banks");
        }
        banks.ensure(tenant, name);
        return new RunOptions(s.split(), s.groups(), s.limit(), s.sample(), s.seed(), s.attempts(), s.concurrency(),
                s.memoryMode(), s.policy(), s.scorers(), s.epochs(), s.leaveOneTaskOut(), s.questions(), s.models(),
                s.profiles(), s.maxTokens(), name, s.banks());
    }

    private static List<String> readBanks(List<String> names) {
        return names == null ? List.of() : names.stream().map(n -> bankName("banks", n)).distinct().toList();
    }

    private static String bankName(String field, String name) {
        try {
            return CaseBanks.requireName(name);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field '" + field + "': " + e.getMessage());
        }
    }

    static Dataset read(Path path, String format, String split) {
        try {
            if (format == null || format.isBlank()) {
                return Datasets.detect(path) == DatasetFormat.GAIA ? Datasets.gaia(path, split) : Datasets.open(path);
            }
            DatasetFormat parsed;
            try {
                parsed = DatasetFormat.valueOf(format.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("field 'format' must be one of gaia, verl, memento, simpleqa, frames, generic, was '" + format + "'");
            }
            return parsed == DatasetFormat.GAIA ? Datasets.gaia(path, split) : Datasets.open(path, parsed);
        } catch (DatasetException e) {
            throw ApiException.badRequest("dataset cannot be read: " + e.getMessage());
        }
    }

    /** The run's model of each role; a bad name, or models this server's agent cannot change, is a 400. */
    private Map<String, RunModels.Choice> chooseModels(Map<String, String> requested) {
        try {
            return models.choose(requested);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * What this server lacks to run a good request (no agent, a role or a named judge scorer without a model, a
     * chosen profile gone): a 503, checked only once the request is known good, so a client's mistake is always its
     * 400.
     */
    private void runnable(Map<String, RunModels.Choice> choices, String missingJudge) {
        if (!runner.hasAgent()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE,
                    "no agent is configured (casebook.models.planner.base-url and .model); runs need one");
        }
        try {
            agents.agent(choices);
        } catch (IllegalStateException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        }
        if (missingJudge != null) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, missingJudge);
        }
    }

    private static List<String> defaultScorers(ScorerRegistry scorers, DatasetFormat format) {
        boolean judge = scorers.names().contains("judge");
        return switch (format) {
            case GAIA -> List.of("gaia");
            case VERL, MEMENTO -> List.of("deepresearcher", "squad");
            case SIMPLEQA -> judge ? List.of("simpleqa") : List.of("squad");
            case FRAMES, GENERIC -> judge ? List.of("judge", "squad") : List.of("squad");
        };
    }

    private static int within(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw ApiException.badRequest("field '" + field + "' must be within [" + min + ", " + max + "], was " + v);
        }
        return v;
    }
}
