package dev.casebook.server.llm;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import dev.casebook.testkit.llm.ServerShape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/status} shows each role's effective model settings, inherited ones marked, and what the start-up probe
 * found the endpoint to accept (an LM Studio-like server: no {@code json_object}, a context window in its model
 * list); the counters of episodes not remembered are on {@code /actuator/prometheus} at zero from the start.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.datasource.url=jdbc:h2:mem:modelstatus;DB_CLOSE_DELAY=-1")
class ModelStatusIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start().imitate(ServerShape.LM_STUDIO).contextWindow(8192);
    static final JsonMapper JSON = JsonMapper.builder().build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LLM::close));
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("casebook.models.planner.base-url", LLM::baseUrl);
        registry.add("casebook.models.planner.model", () -> ScriptedLlmServer.MODEL);
        registry.add("casebook.models.planner.timeout", () -> "20s");
        registry.add("casebook.models.executor.keep-reasoning", () -> "false");
        registry.add("casebook.models.judge.model", () -> "judge-model");
    }

    String get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void roles_show_their_effective_settings_and_mark_what_they_inherit() throws Exception {
        JsonNode models = JSON.readTree(get("/api/status")).get("models");

        JsonNode executor = models.get("executor");
        assertThat(executor.get("model").asString()).isEqualTo(ScriptedLlmServer.MODEL);
        assertThat(executor.get("baseUrl").asString()).isEqualTo(LLM.baseUrl());
        assertThat(executor.get("configured").asBoolean()).isTrue();
        assertThat(executor.at("/settings/model/from").asString()).isEqualTo("inherited");
        assertThat(executor.at("/settings/base-url/from").asString()).isEqualTo("inherited");
        assertThat(executor.at("/settings/timeout/value").asString()).isEqualTo("PT20S");
        assertThat(executor.at("/settings/timeout/from").asString()).isEqualTo("inherited");
        assertThat(executor.at("/settings/keep-reasoning/value").asBoolean()).isFalse();
        assertThat(executor.at("/settings/keep-reasoning/from").asString()).isEqualTo("set");
        assertThat(executor.at("/settings/structured-output/value").asString()).isEqualTo("auto");
        assertThat(executor.at("/settings/structured-output/from").asString()).isEqualTo("default");
        assertThat(names(executor.get("inherited"))).contains("base-url", "model", "timeout")
                .doesNotContain("keep-reasoning");
        JsonNode judge = models.get("judge");
        assertThat(judge.get("model").asString()).isEqualTo("judge-model");
        assertThat(judge.at("/settings/model/from").asString()).isEqualTo("set");
        assertThat(judge.at("/settings/base-url/from").asString()).isEqualTo("inherited");
        JsonNode planner = models.get("planner");
        assertThat(planner.at("/settings/model/from").asString()).isEqualTo("set");
        assertThat(planner.at("/settings/max-retries/from").asString()).isEqualTo("default");
        assertThat(planner.at("/settings/max-tokens/from").asString()).isEqualTo("unset");
        assertThat(JSON.readTree(get("/api/status")).toString()).doesNotContain("apiKey", "api-key");
    }

    @Test
    void the_probe_finds_what_the_endpoint_accepts_once_at_start_up() throws Exception {
        JsonNode capabilities = awaitProbe("planner");

        assertThat(capabilities.get("probe").asString()).isEqualTo("probed");
        assertThat(capabilities.get("modelListed").asBoolean()).isTrue();
        assertThat(capabilities.get("contextWindow").asInt()).isEqualTo(8192);
        assertThat(capabilities.get("tools").asString()).isEqualTo("accepted");
        assertThat(capabilities.get("json_schema").asString()).isEqualTo("accepted");
        assertThat(capabilities.get("json_object").asString()).startsWith("refused: HTTP 400")
                .contains("must be 'json_schema' or 'text'");
        // the judge's model is another one at the same endpoint: probed on its own
        assertThat(awaitProbe("judge").get("modelListed").asBoolean()).isFalse();
        assertThat(LLM.probes()).filteredOn(LlmRequest::isChatCompletion).extracting(r -> r.body().path("model")
                .asText()).containsOnly(ScriptedLlmServer.MODEL, "judge-model").hasSize(6);
        assertThat(LLM.probes()).filteredOn(r -> r.path().endsWith("/models")).hasSize(2);
        assertThat(LLM.requests(Match.any())).isEmpty();
    }

    @Test
    void the_counters_of_episodes_not_remembered_are_there_at_zero() throws Exception {
        String metrics = get("/actuator/prometheus");

        for (String reason : List.of("invalid_plan", "no_answer", "truncated", "llm_unavailable", "budget_time",
                "cancelled", "interrupted")) {
            assertThat(metrics).containsPattern("casebook_memory_episodes_not_remembered_total\\{[^}]*reason=\""
                    + reason + "\"[^}]*} 0\\.0");
        }
        assertThat(metrics).doesNotContain("reason=\"budget_tokens\"");
    }

    JsonNode awaitProbe(String role) {
        return eventually("the " + role + " probed", () -> JSON.readTree(get("/api/status"))
                .at("/models/" + role + "/capabilities"), c -> c.get("probe").asString().startsWith("probed"));
    }

    static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asString()));
        return names;
    }
}
