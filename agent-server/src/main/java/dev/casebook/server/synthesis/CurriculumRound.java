package dev.casebook.server.synthesis;

import dev.casebook.memory.TaskKey;
import dev.casebook.server.llm.LlmCall;
import dev.casebook.server.llm.LlmClient;
import dev.casebook.server.llm.LlmException;
import dev.casebook.server.llm.LlmReply;
import dev.casebook.llm.ReplyJson;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One curriculum round of a dream job (DreamGym's curriculum task generator), interaction {@code curriculum}: of the
 * job's tasks not varied yet, the ones whose success rate over their rated rollouts is nearest 0.5 (the largest
 * reward variance p(1 - p): the agent is least sure of them; tasks it always or never solves teach it little) are
 * varied by the experience model into new tasks, which get rollouts within what is left of the job's budget. A reply
 * that is not the JSON asked for is sent back with the reason, up to {@code attempts} calls per task.
 */
final class CurriculumRound {
    static final String CURRICULUM = """
            You write training tasks for an agent that practises against a simulated environment. The agent solves \
            the task below only sometimes: its success rate over its practice episodes is given. Write %d new tasks \
            that vary it: the same kind of problem, needing the same tools, each self-contained and answerable on \
            its own, %s, different in its particulars (other values, names or constraints), none a copy \
            of the task or of another.
            Reply with one JSON object and nothing else: {"variations": ["first task", "second task"]}""";

    static final String AS_HARD = "about as hard";
    /** With {@code curriculum.harder}: variations of variations get harder round after round. */
    static final String HARDER = "each a step harder than it (more steps, more constraints or edge cases)";

    static final String TASK = """
            Task: %s

            Success rate: %d of %d episodes (mean reward %.2f)""";

    static final String CORRECTION = """
            That reply is not the JSON asked for: %s.
            Reply again with only the JSON object: {"variations": ["...", "..."]}""";

    /** A proposed task: a variation of task {@code parent}, with the rollouts it gets. */
    record Variation(String text, int parent, int rollouts) {
    }

    /**
     * What a round did: {@code outcome} is {@code proposed}, {@code no_variations}, {@code nothing_uncertain} or
     * {@code budget_spent}; {@code varied} the tasks it chose.
     */
    record Proposal(String outcome, Map<String, Object> summary, List<Integer> varied, List<Variation> variations,
            long tokens, long millis) {
        Proposal {
            varied = List.copyOf(varied);
            variations = List.copyOf(variations);
        }
    }

    private final DreamRecords records;
    private final LlmClient model;
    private final int attempts;
    private final int maxTaskChars;
    private final Duration callTimeout;

    CurriculumRound(DreamRecords records, LlmClient model, int attempts, int maxTaskChars, Duration callTimeout) {
        this.records = records;
        this.model = model;
        this.attempts = attempts;
        this.maxTaskChars = maxTaskChars;
        this.callTimeout = callTimeout;
    }

    /**
     * The tasks to vary: not varied yet, rated at least once, neither always nor never solved, nearest a success
     * rate of 0.5 first (more rated rollouts first among equals, then the older task); at most {@code k}.
     */
    static List<DreamRecords.TaskStats> uncertain(List<DreamRecords.TaskStats> tasks, int k) {
        return tasks.stream()
                .filter(t -> t.task().variedIn() == null && t.rated() > 0)
                .filter(t -> t.successes() > 0 && t.successes() < t.rated())
                .sorted(Comparator.comparingDouble((DreamRecords.TaskStats t) -> Math.abs(t.successRate() - 0.5))
                        .thenComparing(Comparator.comparingInt(DreamRecords.TaskStats::rated).reversed())
                        .thenComparingInt(t -> t.task().no()))
                .limit(k).toList();
    }

    Proposal propose(DreamRecords.Job job, int round) throws InterruptedException {
        long started = System.nanoTime();
        DreamOptions.Curriculum curriculum = job.settings().curriculum();
        List<DreamRecords.TaskStats> tasks = records.taskStats(job.id());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("round", round);
        summary.put("successRates", rates(tasks));
        int budget = job.settings().maxRollouts() - records.rolloutCount(job.id());
        summary.put("budgetLeft", budget);
        List<DreamRecords.TaskStats> chosen = uncertain(tasks, curriculum.tasks());
        summary.put("chosen", chosen.stream().map(t -> t.task().no()).toList());
        if (budget <= 0) {
            return new Proposal("budget_spent", summary, List.of(), List.of(), 0, millisSince(started));
        }
        if (chosen.isEmpty()) {
            return new Proposal("nothing_uncertain", summary, List.of(), List.of(), 0, millisSince(started));
        }
        Set<TaskKey> known = new HashSet<>();
        tasks.forEach(t -> known.add(TaskKey.of(t.task().text())));
        List<Variation> variations = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long tokens = 0;
        for (DreamRecords.TaskStats parent : chosen) {
            Asked asked = ask(parent, curriculum.variations(), curriculum.harder());
            tokens += asked.tokens();
            if (asked.problem() != null) {
                problems.add("task " + parent.task().no() + ": " + asked.problem());
            }
            for (String text : asked.variations()) {
                if (budget > 0 && text.length() <= maxTaskChars && known.add(TaskKey.of(text))) {
                    int rollouts = Math.min(job.settings().rolloutsPerTask(), budget);
                    variations.add(new Variation(text, parent.task().no(), rollouts));
                    budget -= rollouts;
                }
            }
        }
        summary.put("variations", variations.stream().map(v -> Map.of("parent", v.parent(), "task", v.text(),
                "rollouts", v.rollouts())).toList());
        if (!problems.isEmpty()) {
            summary.put("problems", problems);
        }
        return new Proposal(variations.isEmpty() ? "no_variations" : "proposed", summary,
                chosen.stream().map(t -> t.task().no()).toList(), variations, tokens, millisSince(started));
    }

    /** The variations the model wrote for one task (at most {@code n}), or the problem when it wrote none. */
    /** What a curriculum round is asked for ({@code response_format}). */
    static final JsonSchema SCHEMA = JsonSchema.builder().name("variations").rootElement(JsonObjectSchema.builder()
            .addProperty("variations", JsonArraySchema.builder().items(new JsonStringSchema()).build())
            .required("variations").build()).build();

    record Asked(List<String> variations, String problem, long tokens) {
    }

    Asked ask(DreamRecords.TaskStats parent, int n, boolean harder) throws InterruptedException {
        List<ChatMessage> messages = new ArrayList<>(List.of(SystemMessage.from(CURRICULUM.formatted(n,
                        harder ? HARDER : AS_HARD)),
                UserMessage.from(String.format(Locale.ROOT, TASK, parent.task().text(), parent.successes(),
                        parent.rated(), parent.meanReward() == null ? 0 : parent.meanReward()))));
        long tokens = 0;
        String problem = null;
        Instant deadline = Instant.now().plus(callTimeout);
        try {
            for (int attempt = 1; attempt <= attempts; attempt++) {
                LlmReply reply = model.chat(LlmCall.json("curriculum", messages, deadline, SCHEMA));
                tokens += reply.tokens();
                try {
                    return new Asked(variations(reply.text(), n), null, tokens);
                } catch (ReplyJson.Invalid e) {
                    problem = e.getMessage();
                    messages.add(AiMessage.from(reply.text().isBlank() ? "(empty reply)" : reply.text()));
                    messages.add(UserMessage.from(CORRECTION.formatted(problem)));
                }
            }
            return new Asked(List.of(), "no valid variations in " + attempts + " attempt" + (attempts == 1 ? "" : "s")
                    + " (" + problem + ")", tokens);
        } catch (LlmException e) {
            return new Asked(List.of(), e.getMessage(), tokens);
        }
    }

    static List<String> variations(String reply, int n) throws ReplyJson.Invalid {
        JsonNode node = ReplyJson.read(reply);
        JsonNode list = node.isArray() ? node : node.path("variations");
        List<String> texts = new ArrayList<>();
        for (JsonNode item : list) {
            JsonNode text = item.isString() ? item : item.path("task").isString() ? item.path("task") : item.path("text");
            if (text.isString() && !text.asString().isBlank() && texts.size() < n) {
                texts.add(text.asString().strip());
            }
        }
        if (texts.isEmpty()) {
            throw new ReplyJson.Invalid("the JSON has no non-empty \"variations\" array of task texts");
        }
        return texts;
    }

    private static List<Map<String, Object>> rates(List<DreamRecords.TaskStats> tasks) {
        return tasks.stream().map(t -> {
            Map<String, Object> rate = new LinkedHashMap<>();
            rate.put("task", t.task().no());
            rate.put("rated", t.rated());
            rate.put("successRate", t.successRate());
            return rate;
        }).toList();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
