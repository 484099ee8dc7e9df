package dev.casebook.server.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.testkit.http.TestClient;
import dev.casebook.testkit.llm.LlmRequest;
import dev.casebook.testkit.llm.Gate;
import dev.casebook.testkit.llm.Match;
import dev.casebook.testkit.llm.Reply;
import dev.casebook.testkit.llm.ScriptedLlmServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Runs that choose their models, through the real agent and judge (LangChain4j clients) against two scripted LLM
 * servers: the configured endpoint ({@link #LLM}) and a second one that only the model profile {@code second} points
 * at ({@link #SECOND}). The scripted servers record the {@code model} of every chat completion and its key.
 */
@SpringBootTest(classes = CasebookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:runmodels;DB_CLOSE_DELAY=-1",
                "casebook.evaluation.upload-dir=target/eval-uploads-models", "casebook.memory.store=none"})
class RunModelsIT {
    static final ScriptedLlmServer LLM = ScriptedLlmServer.start();
    static final ScriptedLlmServer SECOND = ScriptedLlmServer.start();

    @LocalServerPort
    int port;
    @TempDir
    static Path dir;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        models().forEach((key, value) -> registry.add(key, () -> value));
    }

    /** The server's models: planner (and executor) and judge at {@link #LLM}, the profile {@code second} at {@link #SECOND}. */
    static Map<String, String> models() {
        return Map.of("casebook.models.planner.base-url", LLM.baseUrl(),
                "casebook.models.planner.model", "scripted-planner",
                "casebook.models.planner.api-key", "planner-key",
                "casebook.models.planner.timeout", "60s",
                "casebook.models.judge.model", "scripted-judge",
                "casebook.models.profiles.second.base-url", SECOND.baseUrl(),
                "casebook.models.profiles.second.model", "profile-model",
                "casebook.models.profiles.second.api-key", "second-key");
    }

    @AfterAll
    static void stop() {
        LLM.close();
        SECOND.close();
    }

    static void script(ScriptedLlmServer server, Duration latency) {
        server.when(Match.interaction("plan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}").after(latency));
        server.when(Match.interaction("judge")).reply(Reply.text("{\"rationale\": \"same\", \"judgement\": \"correct\"}"));
    }

    /** Plans held until {@code gate} opens: the runs are still running when their server stops. */
    static void script(ScriptedLlmServer server, Gate gate) {
        server.when(Match.interaction("plan")).reply(Reply.text("{\"answer\": \"FINAL ANSWER: 42\"}").heldBy(gate));
        server.when(Match.interaction("judge")).reply(Reply.text("{\"rationale\": \"same\", \"judgement\": \"correct\"}"));
    }

    static Path dataset(String tag, int questions) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < questions; i++) {
            rows.append("{\"id\": \"q%d\", \"question\": \"What is six times seven? (%s-%d)\", \"answers\": [\"42\"]}\n"
                    .formatted(i, tag, i));
        }
        return Files.writeString(dir.resolve(tag + ".jsonl"), rows);
    }

    static List<LlmRequest> requests(ScriptedLlmServer server, String interaction, String tag) {
        return server.requests(Match.interaction(interaction).and(Match.anyMessageContains("(" + tag + "-")));
    }

    @Test
    void a_run_sends_the_model_names_it_chose_and_a_profiles_requests_to_the_profiles_endpoint() throws Exception {
        script(LLM, Duration.ZERO);
        script(SECOND, Duration.ZERO);
        TestClient http = new TestClient(port);

        String plain = create(http, "{\"dataset\": \"%s\", \"scorers\": [\"squad\", \"judge\"]}".formatted(dataset("plain", 2)));
        JsonNode plainRun = await(http, plain, "completed");
        assertThat(requests(LLM, "plan", "plain")).hasSize(2).extracting(LlmRequest::model).containsOnly("scripted-planner");
        assertThat(requests(LLM, "judge", "plain")).hasSize(2).extracting(LlmRequest::model).containsOnly("scripted-judge");
        assertThat(plainRun.get("settings").get("models").toString())
                .isEqualTo("{\"planner\":\"scripted-planner\",\"executor\":\"scripted-planner\",\"judge\":\"scripted-judge\"}");
        assertThat(plainRun.get("settings").get("profiles").size()).isZero();

        String chosen = create(http, """
                {"dataset": "%s", "scorers": ["squad", "judge"], "models": {"planner": "other-planner", "judge": "second"}}
                """.formatted(dataset("chosen", 2)));
        JsonNode chosenRun = await(http, chosen, "completed");
        assertThat(chosenRun.get("correct").asInt()).isEqualTo(2);
        assertThat(requests(LLM, "plan", "chosen")).hasSize(2).extracting(LlmRequest::model).containsOnly("other-planner");
        assertThat(requests(LLM, "plan", "chosen")).extracting(r -> r.header("authorization")).containsOnly("Bearer planner-key");
        assertThat(requests(LLM, "judge", "chosen")).isEmpty();
        assertThat(requests(SECOND, "judge", "chosen")).hasSize(2).extracting(LlmRequest::model).containsOnly("profile-model");
        assertThat(requests(SECOND, "judge", "chosen")).extracting(r -> r.header("authorization")).containsOnly("Bearer second-key");
        assertThat(chosenRun.get("settings").get("models").toString())
                .isEqualTo("{\"planner\":\"other-planner\",\"executor\":\"scripted-planner\",\"judge\":\"profile-model\"}");
        assertThat(chosenRun.get("settings").get("profiles").toString()).isEqualTo("{\"judge\":\"second\"}");
        assertThat(chosenRun.toString()).doesNotContain("second-key", "planner-key");

        String profiled = create(http, "{\"dataset\": \"%s\", \"scorers\": [\"squad\"], \"models\": {\"planner\": \"second\"}}"
                .formatted(dataset("profiled", 1)));
        await(http, profiled, "completed");
        assertThat(requests(SECOND, "plan", "profiled")).hasSize(1).extracting(LlmRequest::model).containsOnly("profile-model");
        assertThat(requests(LLM, "plan", "profiled")).isEmpty();

        JsonNode compare = http.get("/api/evaluations/compare?a=" + plain + "&b=" + chosen).json();
        assertThat(compare.get("a").get("run").get("settings").get("models").get("planner").asString()).isEqualTo("scripted-planner");
        assertThat(compare.get("b").get("run").get("settings").get("models").get("planner").asString()).isEqualTo("other-planner");
    }

    @Test
    void unknown_roles_and_bad_model_names_are_problems_naming_what_is_known() throws Exception {
        TestClient http = new TestClient(port);
        String data = dataset("bad", 1).toString();

        assertProblem(http.post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"models\": {\"critic\": \"x\"}}".formatted(data)),
                "field 'models' names an unknown role 'critic'; roles: [planner, executor, judge]");
        assertProblem(http.post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"models\": {\"planner\": \"http://evil/v1 x\"}}".formatted(data)),
                "field 'models.planner' must be a model profile (known profiles: second) or a model name (letters, digits"
                        + " and ._:/@+-, at most 200), was 'http://evil/v1 x'");
        assertProblem(http.post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"models\": {\"judge\": \"\"}}".formatted(data)),
                "field 'models.judge' must be a model profile");
    }

    @Test
    void the_command_line_passes_the_models_of_a_run() throws Exception {
        script(LLM, Duration.ZERO);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var print = new PrintStream(out, true, StandardCharsets.UTF_8);
        var printErr = new PrintStream(err, true, StandardCharsets.UTF_8);

        int status = dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", dataset("cli", 1).toString(), "--scorers", "squad", "--models", "planner=cli-planner"}, print, printErr);

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(requests(LLM, "plan", "cli")).extracting(LlmRequest::model).containsExactly("cli-planner");
        assertThat(dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", "x", "--models", "planner"}, print, printErr)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad --models 'planner': give role=name pairs");
        assertThat(dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", dataset("cli", 1).toString(), "--models", "critic=x"}, print, printErr)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the server refused the run (400): field"
                + " 'models' names an unknown role 'critic'");
    }

    /**
     * A run continues after a restart with the models it stored, not the server's; a run whose profile the restarted
     * server no longer has fails and says why.
     */
    @Test
    void after_a_restart_a_run_continues_with_its_stored_models() throws Exception {
        String db = "jdbc:h2:file:./target/run-models-" + UUID.randomUUID() + "/db";
        LLM.reset();
        SECOND.reset();
        Gate plans = new Gate();
        script(LLM, plans);
        script(SECOND, plans);
        String stored;
        String profiled;
        try (ConfigurableApplicationContext first = server(db, true)) {
            TestClient http = http(first);
            stored = create(http, "{\"dataset\": \"%s\", \"concurrency\": 1, \"scorers\": [\"squad\"], \"models\": {\"planner\": \"stored-planner\"}}"
                    .formatted(dataset("restart", 3)));
            profiled = create(http, "{\"dataset\": \"%s\", \"concurrency\": 1, \"scorers\": [\"squad\"], \"models\": {\"planner\": \"second\"}}"
                    .formatted(dataset("gone", 3)));
            assertThat(LLM.awaitRequests(1, Duration.ofSeconds(120))).isTrue();
            assertThat(SECOND.awaitRequests(1, Duration.ofSeconds(120))).isTrue();
        }
        plans.open(); // their server stopped: the calls waiting for these are gone
        List<LlmRequest> before = requests(LLM, "plan", "restart");
        LLM.reset();
        SECOND.reset();
        script(LLM, Duration.ZERO);
        script(SECOND, Duration.ZERO);

        try (ConfigurableApplicationContext second = server(db, false)) {
            TestClient http = http(second);
            JsonNode run = await(http, stored, "completed");
            assertThat(run.get("done").asInt()).isEqualTo(3);
            JsonNode failed = await(http, profiled, "failed");
            assertThat(failed.get("error").asString()).isEqualTo("the model profile 'second' of the planner is no longer"
                    + " configured in casebook.models.profiles (known profiles: none)");
        }
        List<LlmRequest> after = requests(LLM, "plan", "restart");
        assertThat(before.size()).isLessThan(3);
        assertThat(after).isNotEmpty().extracting(LlmRequest::model).containsOnly("stored-planner");
        assertThat(before).extracting(LlmRequest::model).containsOnly("stored-planner");
        assertThat(SECOND.requests()).isEmpty();
    }

    static ConfigurableApplicationContext server(String db, boolean withProfile) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.url=" + db,
                "--casebook.tasks.instance-id=models-node", "--casebook.memory.store=none",
                "--casebook.evaluation.upload-dir=target/eval-uploads-models"));
        models().forEach((key, value) -> {
            if (withProfile || !key.startsWith("casebook.models.profiles.")) {
                args.add("--" + key + "=" + value);
            }
        });
        return new SpringApplicationBuilder(CasebookApplication.class).run(args.toArray(String[]::new));
    }

    static TestClient http(ConfigurableApplicationContext context) {
        return new TestClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    static String create(TestClient http, String body) {
        TestClient.Reply created = http.post("/api/evaluations/runs", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    static JsonNode await(TestClient http, String id, String status) throws InterruptedException {
        JsonNode run = http.await("/api/evaluations/runs/" + id, r -> r.get("status").asString().equals(status));
        return run;
    }

    static void assertProblem(TestClient.Reply reply, String detail) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).contains(detail);
    }
}
