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
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ScriptedLlmServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Map<Long, Integer> families = new ConcurrentHashMap<>();
    private final SimulatedWorld world;
    private final Random random;

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
        double p = world.successProbability(families.get(id), examples);
        return Reply.text("FINAL ANSWER: " + (random.nextDouble() < p ? expected(id) : "something else"));
    }

    static String expected(long task) {
        return "answer-" + task;
    }

    /** Sends the prompt as a chat completion and returns the assistant's text. */
    String complete(String prompt) {
        ObjectNode body = JSON.createObjectNode().put("model", ScriptedLlmServer.MODEL).put("stream", false);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json")
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
