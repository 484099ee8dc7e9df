package dev.casebook.bench.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulator's LLM, behind the OpenAI-compatible chat-completions interface of {@link ScriptedLlmServer}: it
 * reads the task id and the example case ids from the prompt and answers correctly with the
 * {@link SimulatedWorld#successProbability} of that task's family given those examples. The client side posts the
 * prompt over HTTP like any OpenAI-compatible client.
 */
final class SimulatedLlm implements AutoCloseable {

    private static final Pattern TASK = Pattern.compile("\\[task (\\d+)]");
    private static final Pattern EXAMPLE = Pattern.compile("^- example \\[case ([0-9a-f-]{36})]", Pattern.MULTILINE);
    private static final Pattern INSIGHT = Pattern.compile("^- insight: (.*)$", Pattern.MULTILINE);
    private static final Pattern PLAN_LINE = Pattern.compile("^\\s*Plan: (.*)$", Pattern.MULTILINE);
    private static final Pattern PREVIOUS_AVOID = Pattern.compile(
            "lesson learned from this family before \\([^)]*\\): .*?; avoid: ([^.]*)\\.");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScriptedLlmServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<Long, Integer> families = new ConcurrentHashMap<>();
    private final SimulatedWorld world;
    private final Random random;
    /**
     * Whether a revision keeps the plans the family's previous lesson said to avoid (the prompt shows it and asks to
     * revise it), less the plan the successes now ran; off, a revision reads only the tasks shown.
     */
    volatile boolean reviseKeepsAvoided = true;

    SimulatedLlm(SimulatedWorld world, long seed) {
        this.world = world;
        this.random = new Random(seed);
        this.server = ScriptedLlmServer.start();
        server.when(Match.any()).reply(Reply.dynamic(this::answer));
    }

    /** Registers a task so the simulated model knows its latent family (the client never sends it). */
    void register(long task, int family) {
        families.put(task, family);
    }

    private synchronized Reply answer(LlmRequest request) {
        if ("distil".equals(request.interaction())) {
            return distilReply(request.lastUserMessage(), reviseKeepsAvoided);
        }
        String prompt = request.lastUserMessage();
        Matcher task = TASK.matcher(prompt);
        if (!task.find()) {
            return Reply.text("FINAL ANSWER: I do not know");
        }
        long id = Long.parseLong(task.group(1));
        List<UUID> examples = new ArrayList<>();
        Matcher example = EXAMPLE.matcher(prompt);
        while (example.find()) {
            examples.add(UUID.fromString(example.group(1)));
        }
        List<String> insights = new ArrayList<>();
        Matcher insight = INSIGHT.matcher(prompt);
        while (insight.find()) {
            insights.add(insight.group(1));
        }
        int family = families.get(id);
        boolean success = random.nextDouble() < world.successProbability(family, examples, insights);
        return Reply.text("PLAN: " + world.planOf(family, success, examples) + "\nFINAL ANSWER: "
                + (success ? expected(id) : "something else"));
    }

    /**
     * The simulated distiller (no randomness, so it leaves the answers' draws alone): "do" the plan most successes
     * ran, "avoid" the other plans that failures ran and, when {@code keepAvoided}, those the previous lesson in the
     * prompt said to avoid; the reply is messy as real ones are (a reasoning block, prose and a fenced JSON object),
     * for {@link dev.casebook.server.memory.InsightDistiller} to read.
     */
    static Reply distilReply(String prompt, boolean keepAvoided) {
        int failed = prompt.indexOf("Failed tasks of this family:");
        Map<String, Integer> successes = new LinkedHashMap<>();
        Matcher plans = PLAN_LINE.matcher(prompt.substring(0, Math.max(0, failed)));
        while (plans.find()) {
            successes.merge(plans.group(1).strip(), 1, Integer::sum);
        }
        if (successes.isEmpty()) {
            return Reply.text("<think>No successes to learn from.</think>{\"family\": \"\", \"insight\": \"\"}");
        }
        String does = successes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Set<String> avoid = new LinkedHashSet<>();
        Matcher previous = PREVIOUS_AVOID.matcher(prompt);
        if (keepAvoided && previous.find()) {
            for (String plan : previous.group(1).split(",")) {
                if (!plan.strip().equals(does)) {
                    avoid.add(plan.strip());
                }
            }
        }
        Matcher failures = PLAN_LINE.matcher(failed < 0 ? "" : prompt.substring(failed));
        while (failures.find()) {
            String plan = failures.group(1).strip();
            if (!plan.equals(does) && plan.startsWith("plan for family")) {
                avoid.add(plan);
            }
        }
        String insight = "For tasks like these, do: " + does
                + (avoid.isEmpty() ? "" : "; avoid: " + String.join(", ", avoid)) + ".";
        return Reply.text("<think>Counting the plans of the successes and of the failures.</think>\n"
                + "Here is the lesson I would keep:\n```json\n{\"family\": \"tasks of this cluster\", \"insight\": \""
                + insight + "\"}\n```\nIt rests on the tasks above.");
    }

    /** The {@code distil} interaction: system and user message, the reply's content as sent. */
    String distil(String system, String user) {
        return post("distil", List.of(Map.of("role", "system", "content", system),
                Map.of("role", "user", "content", user)));
    }

    static String expected(long task) {
        return "answer-" + task;
    }

    /** Sends the prompt as a chat completion and returns the assistant's text. */
    String complete(String prompt) {
        return post("plan", List.of(Map.of("role", "user", "content", prompt)));
    }

    private String post(String interaction, List<Map<String, String>> messages) {
        ObjectNode body = JSON.createObjectNode().put("model", ScriptedLlmServer.MODEL).put("stream", false);
        messages.forEach(m -> body.withArray("messages").addObject().put("role", m.get("role"))
                .put("content", m.get("content")));
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json").header("X-Casebook-Interaction", interaction)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("simulated LLM answered " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body()).path("choices").path(0).path("message").path("content").asText();
        } catch (IOException e) {
            throw new IllegalStateException("simulated LLM unreachable at " + server.baseUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the simulated LLM", e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
