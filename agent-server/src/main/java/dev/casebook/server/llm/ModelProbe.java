package dev.casebook.server.llm;

import dev.casebook.server.llm.EndpointCapabilities.Feature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks each configured endpoint once, at start-up and in the background, what it serves and accepts: {@code GET
 * /models} (is the model listed; its context window, when the server reports one: vLLM's {@code max_model_len},
 * llama.cpp's {@code meta.n_ctx_train}, {@code context_length}), then three one-token chat calls (interaction
 * {@code probe}) offering a tool, asking for {@code response_format} {@code json_schema}, and {@code json_object}. A
 * 4xx naming the feature is a refusal; any other failure leaves it unknown. What is found goes to
 * {@link EndpointCapabilities} (the clients' {@code auto} structured output then skips a refused type), to the log,
 * and to {@code /api/status}. Off with {@code casebook.models.probe=false}.
 */
final class ModelProbe {
    private static final Logger log = LoggerFactory.getLogger(ModelProbe.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PROMPT = "Reply with the JSON object {} and nothing else.";

    private final ModelSettings settings;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public ModelProbe(ModelSettings settings) {
        this.settings = settings;
    }

    /** Probes every distinct endpoint and model of the configured roles, each on its own virtual thread. */
    public List<Thread> start() {
        List<Thread> threads = new ArrayList<>();
        if (!settings.probe()) {
            return threads;
        }
        Map<String, Map.Entry<String, ModelSettings.Role>> endpoints = new LinkedHashMap<>();
        for (ModelRole role : ModelRole.DREAM) {
            ModelSettings.Role r = settings.role(role);
            if (r.configured()) {
                endpoints.putIfAbsent(r.effectiveBaseUrl() + "|" + r.model(), Map.entry(role.wireName(), r));
            }
        }
        for (Map.Entry<String, ModelSettings.Role> e : endpoints.values()) {
            EndpointCapabilities.of(e.getValue().effectiveBaseUrl(), e.getValue().model()).probing();
            threads.add(Thread.ofVirtual().name("model-probe-" + e.getKey()).start(() -> probe(e.getKey(),
                    e.getValue())));
        }
        return threads;
    }

    void probe(String roleName, ModelSettings.Role role) {
        EndpointCapabilities capabilities = EndpointCapabilities.of(role.effectiveBaseUrl(), role.model());
        Boolean listed = null;
        Integer window = null;
        List<String> problems = new ArrayList<>();
        try {
            HttpResponse<String> models = send(role, HttpRequest.newBuilder(uri(role, "/models")).GET());
            if (models.statusCode() / 100 == 2) {
                JsonNode entry = modelEntry(JSON.readTree(models.body()), role.model());
                listed = entry != null;
                window = entry == null ? null : contextWindow(entry);
            } else {
                problems.add("GET /models: HTTP " + models.statusCode());
            }
        } catch (IOException | JacksonException e) {
            problems.add("GET /models: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (Feature feature : Feature.values()) {
            String problem = chat(role, feature, capabilities);
            if (problem != null) {
                problems.add(feature.wireName() + ": " + problem);
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
        capabilities.probed(listed, window, problems.isEmpty() ? "probed" : "probed with errors: "
                + String.join("; ", problems));
        log.info("model probe of the {} model {} at {}: {}", roleName, role.model(), role.effectiveBaseUrl(),
                capabilities.view());
    }

    /** One chat call offering the feature; null when it was answered, accepted or refused; else the problem. */
    private String chat(ModelSettings.Role role, Feature feature, EndpointCapabilities capabilities) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", role.model());
        body.put("messages", List.of(Map.of("role", "user", "content", PROMPT)));
        body.put("max_tokens", 1);
        switch (feature) {
            case TOOLS -> body.put("tools", List.of(Map.of("type", "function", "function", Map.of("name", "noop",
                    "description", "does nothing", "parameters", Map.of("type", "object", "properties", Map.of())))));
            case JSON_SCHEMA -> body.put("response_format", Map.of("type", "json_schema", "json_schema",
                    Map.of("name", "probe", "schema", Map.of("type", "object"))));
            case JSON_OBJECT -> body.put("response_format", Map.of("type", "json_object"));
        }
        try {
            HttpResponse<String> response = send(role, HttpRequest.newBuilder(uri(role, "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
            int status = response.statusCode();
            if (status / 100 == 2) {
                capabilities.accepted(feature);
                return null;
            }
            String said = response.body().toLowerCase(Locale.ROOT);
            boolean named = feature == Feature.TOOLS ? said.contains("tool")
                    : said.contains("response_format") || said.contains(feature.wireName());
            if (status / 100 == 4 && named) {
                capabilities.refused(feature, "HTTP " + status + " " + abbreviate(response.body()));
                return null;
            }
            return "HTTP " + status + " " + abbreviate(response.body());
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private HttpResponse<String> send(ModelSettings.Role role, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        String key = role.apiKey() != null ? role.apiKey() : "ollama".equals(role.effectiveProvider()) ? "ollama"
                : "none";
        return http.send(request.header("Authorization", "Bearer " + key)
                .header("X-Casebook-Interaction", "probe").timeout(role.effectiveTimeout()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(ModelSettings.Role role, String path) {
        String base = role.effectiveBaseUrl();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private static JsonNode modelEntry(JsonNode models, String model) {
        for (JsonNode entry : models.path("data")) {
            if (model.equals(entry.path("id").asString(""))) {
                return entry;
            }
        }
        return null;
    }

    private static Integer contextWindow(JsonNode entry) {
        for (JsonNode value : List.of(entry.path("max_model_len"), entry.path("context_length"),
                entry.path("context_window"), entry.path("max_context_length"), entry.path("meta").path("n_ctx_train"),
                entry.path("meta").path("n_ctx"))) {
            if (value.isIntegralNumber() && value.asInt() > 0) {
                return value.asInt();
            }
        }
        return null;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
