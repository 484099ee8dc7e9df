package dev.casebook.server.evaluation;

import static dev.casebook.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.agent.Agent;
import dev.casebook.testkit.http.TestClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/** Batch runs over REST on the embedded database, with a test double of the agent (see {@link TableAgent}). */
@SpringBootTest(classes = {CasebookApplication.class, RunsApiIT.Agents.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.url=jdbc:h2:mem:runsapi;DB_CLOSE_DELAY=-1",
                "casebook.evaluation.cost-per-million-tokens=2.0", "casebook.evaluation.upload-dir=target/eval-uploads", "casebook.memory.store=none"})
class RunsApiIT {
    static final Map<String, String> ANSWERS = Map.of(
            "Largest planet?", "Jupiter",
            "Smallest planet?", "Pluto",
            "Red planet?", "the planet Mars",
            "Ringed planet?", "Saturn",
            "Hot planet?", "Venus");

    @TestConfiguration
    static class Agents {
        @Bean
        TableAgent tableAgent() {
            return new TableAgent(ANSWERS);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    TableAgent agent;
    @Autowired
    Agent agentBean;
    @Autowired
    MeterRegistry meters;
    @TempDir
    static Path dir;

    TestClient http() {
        return new TestClient(port);
    }

    @BeforeEach
    void reset() {
        agent.open();
    }

    static Path dataset() throws IOException {
        Path file = dir.resolve("planets.jsonl");
        if (!Files.exists(file)) {
            Files.writeString(file, """
                    {"id": "p1", "question": "Largest planet?", "answers": ["Jupiter"], "metadata": {"group": "gas"}}
                    {"id": "p2", "question": "Smallest planet?", "answers": ["Mercury"], "metadata": {"group": "rock"}}
                    {"id": "p3", "question": "Red planet?", "answers": ["Mars"], "metadata": {"group": "rock"}}
                    {"id": "p4", "question": "Ringed planet?", "answers": ["Saturn"], "metadata": {"group": "gas"}}
                    {"id": "p5", "question": "Hot planet?", "answers": ["Venus"], "metadata": {"group": "rock"}}
                    """);
        }
        return file;
    }

    String create(String body) {
        TestClient.Reply created = http().post("/api/evaluations/runs", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json().get("id").asString();
    }

    JsonNode awaitStatus(String id, String status) throws InterruptedException {
        JsonNode run = http().await("/api/evaluations/runs/" + id, r -> r.get("status").asString().equals(status));
        return run;
    }

    @Test
    void the_test_double_is_the_agent_bean() {
        assertThat(agentBean).isSameAs(agent);
    }

    @Test
    void a_run_scores_every_attempt_streams_progress_and_reports_aggregates() throws Exception {
        agent.hold();
        String id = create("""
                {"name": "planets", "dataset": "%s", "attempts": 2, "concurrency": 3, "scorers": ["squad", "deepresearcher"]}
                """.formatted(dataset()));
        CountDownLatch first = new CountDownLatch(1);
        var stream = CompletableFuture.supplyAsync(() -> sse("/api/evaluations/runs/" + id + "/events", first));
        assertThat(first.await(120, TimeUnit.SECONDS)).isTrue();
        agent.open();
        List<String> events = stream.get(180, TimeUnit.SECONDS);

        assertThat(events.getFirst()).startsWith("progress:").contains("\"done\":0", "\"total\":10");
        assertThat(events).last().asString().isEqualTo("end:{\"status\":\"completed\"}");
        assertThat(events.get(events.size() - 2)).contains("\"done\":10", "\"total\":10", "\"status\":\"completed\"");
        JsonNode run = http().get("/api/evaluations/runs/" + id).json();
        assertThat(run.get("status").asString()).isEqualTo("completed");
        assertThat(run.get("done").asInt()).isEqualTo(10);
        assertThat(run.get("accuracy").asDouble()).isEqualTo(0.6); // Jupiter, Saturn, Venus (SQuAD EM; "the planet Mars" is not)
        assertThat(run.get("settings").get("leaveOneTaskOut").asBoolean()).isTrue();
        assertThat(run.get("settings").get("scorers").toString()).isEqualTo("[\"squad\",\"deepresearcher\"]");

        JsonNode results = http().get("/api/evaluations/runs/" + id + "/results").json();
        JsonNode all = results.get("aggregates").get("1").get("all");
        assertThat(all.get("questions").asInt()).isEqualTo(5);
        assertThat(all.get("attempts").asInt()).isEqualTo(10);
        assertThat(all.get("pass1").asDouble()).isEqualTo(0.6);
        assertThat(all.get("passK").asDouble()).isEqualTo(0.6);
        assertThat(all.get("meanTokens").asDouble()).isEqualTo(100.0);
        assertThat(all.get("meanCost").asDouble()).isEqualTo(0.0002);
        assertThat(all.get("scorers").get("squad").get("meanValue").asDouble()).isEqualTo((3 + 2.0 / 3) / 5);
        assertThat(results.get("aggregates").get("1").get("rock").get("pass1").asDouble()).isEqualTo(1.0 / 3);
        assertThat(results.get("items")).hasSize(10);
        assertThat(agent.calls("Largest planet?")).isEqualTo(2);

        TestClient.Reply csv = http().get("/api/evaluations/runs/" + id + "/results.csv");
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(11);
        assertThat(lines.getFirst()).isEqualTo("seq,epoch,attempt,item_id,group,question,outcome,correct,prediction,golds,"
                + "squad_correct,squad_value,deepresearcher_correct,deepresearcher_value,tokens,millis,selected_cases,guard_leak");
        assertThat(lines.get(1)).startsWith("0,1,1,p1,gas,Largest planet?,answered,true,Jupiter,Jupiter,true,1.0,true,1.0,100,");
    }

    @Test
    void the_guard_excludes_the_questions_own_origin_in_every_epoch_and_the_curve_spans_epochs() throws Exception {
        String id = create("""
                {"dataset": "%s", "limit": 2, "epochs": 3, "memoryMode": "read-write", "scorers": ["squad"]}
                """.formatted(dataset()));
        awaitStatus(id, "completed");

        var specs = agent.specs.stream()
                .filter(s -> s.text().equals("Largest planet?") && s.memoryMode().wireName().equals("read-write")).toList();
        assertThat(specs).hasSizeGreaterThanOrEqualTo(3);
        assertThat(specs).allSatisfy(s -> {
            assertThat(s.origin()).startsWith("eval:");
            assertThat(s.excludeOrigins()).containsExactly(s.origin());
            assertThat(s.excludeTasks()).containsExactly(dev.casebook.memory.TaskKey.of("largest planet?"));
            assertThat(s.memoryMode().wireName()).isEqualTo("read-write");
        });
        assertThat(specs.stream().map(s -> s.origin()).distinct()).hasSize(1);

        JsonNode curve = http().get("/api/evaluations/runs/" + id + "/curve?window=2").json();
        assertThat(curve.get("points")).hasSize(6);
        assertThat(curve.get("points").get(5).get("episode").asInt()).isEqualTo(5);
        assertThat(curve.get("points").get(5).get("epoch").asInt()).isEqualTo(3);
        assertThat(curve.get("points").get(1).get("running").asDouble()).isEqualTo(0.5);
        assertThat(curve.get("pass1ByEpoch").size()).isEqualTo(3);

        String off = create("""
                {"dataset": "%s", "limit": 2, "leaveOneTaskOut": false, "scorers": ["squad"]}
                """.formatted(dataset()));
        awaitStatus(off, "completed");
        assertThat(http().get("/api/evaluations/runs/" + off).json().get("settings").get("leaveOneTaskOut").asBoolean()).isFalse();
        assertThat(agent.specs.getLast().excludeOrigins()).isEmpty();
        assertThat(agent.specs.getLast().excludeTasks()).isEmpty();
    }

    @Test
    void an_epoch_starts_only_when_every_item_of_the_one_before_is_done() throws Exception {
        Path moons = Files.writeString(dir.resolve("moons.jsonl"), """
                {"id": "m1", "question": "Moon of Mars?", "answers": ["Phobos"]}
                {"id": "m2", "question": "Largest moon?", "answers": ["Ganymede"]}
                {"id": "m3", "question": "Moon of Pluto?", "answers": ["Charon"]}
                """);
        agent.hold();
        String id = create("""
                {"dataset": "%s", "epochs": 2, "concurrency": 4, "scorers": ["squad"]}
                """.formatted(moons));
        awaitRunning(id, 3); // the fourth slot is free, but epoch 2 waits
        agent.release(2);
        awaitDone(id, 2);
        // one item of epoch 1 is still held: however often the runner claims meanwhile, it gets nothing of epoch 2.
        // Each claim that finds nothing is counted (casebook_batch_claims_total{result="empty"}), and the runner claims
        // one round after the other: the second empty claim counted from now began after both items were done.
        assertThat(http().get("/api/evaluations/runs").json()).as("no other run claims meanwhile")
                .allMatch(run -> run.get("id").asString().equals(id) || !run.get("status").asString().equals("running"));
        double empty = emptyClaims();
        eventually("two more empty claims of the run", this::emptyClaims, n -> n >= empty + 2);
        JsonNode waiting = http().get("/api/evaluations/runs/" + id).json();
        assertThat(waiting.get("running").asInt()).as(waiting.toString()).isEqualTo(1);
        assertThat(waiting.get("pending").asInt()).as(waiting.toString()).isEqualTo(3);
        agent.open();
        assertThat(awaitStatus(id, "completed").get("done").asInt()).isEqualTo(6);
    }

    private double emptyClaims() {
        return meters.get("casebook.batch.claims").tag("kind", "evaluation_run").tag("result", "empty").counter()
                .count();
    }

    private JsonNode awaitDone(String id, int done) {
        return http().await("/api/evaluations/runs/" + id, run -> run.get("done").asInt() == done);
    }

    @Test
    void cancel_stops_a_run_and_resume_finishes_it_without_redoing_finished_items() throws Exception {
        agent.hold();
        int before = agent.finished.get();
        String id = create("""
                {"dataset": "%s", "concurrency": 2, "scorers": ["squad"], "groups": ["rock"]}
                """.formatted(dataset()));
        agent.release(1);
        awaitDone(id, 1);
        TestClient.Reply cancelled = http().post("/api/evaluations/runs/" + id + "/cancel", "");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("cancelled");
        JsonNode atRest = awaitRunning(id, 0);
        assertThat(atRest.get("done").asInt()).isEqualTo(1);
        assertThat(http().post("/api/evaluations/runs/" + id + "/cancel", "").status()).isEqualTo(409);

        agent.hold();
        TestClient.Reply resumed = http().post("/api/evaluations/runs/" + id + "/resume", "");
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        // the ETA comes from the items done since the resume: none yet, though one was done before it
        assertThat(awaitRunning(id, 2).get("etaSeconds").isNull()).isTrue();
        agent.release(1);
        assertThat(awaitDone(id, 2).get("etaSeconds").isNull()).isFalse();
        agent.open();
        JsonNode done = awaitStatus(id, "completed");
        assertThat(done.get("done").asInt()).isEqualTo(3);
        assertThat(agent.finished.get() - before).isEqualTo(3); // each question answered exactly once over both sessions
        assertThat(http().get("/api/evaluations/runs/" + id + "/results").json().get("items")).hasSize(3);
    }

    @Test
    void a_run_whose_token_budget_is_spent_starts_no_further_item_and_says_why() throws Exception {
        // the test double spends 100 tokens per answer: after the second the budget of 150 is spent
        String id = create("""
                {"dataset": "%s", "concurrency": 1, "scorers": ["squad"], "maxTokens": 150}
                """.formatted(dataset()));
        JsonNode run = awaitStatus(id, "completed");
        assertThat(run.get("done").asInt()).isEqualTo(2);
        assertThat(run.get("pending").asInt()).isEqualTo(3);
        assertThat(run.get("tokensSpent").asLong()).isEqualTo(200);
        assertThat(run.get("error").asString()).isEqualTo("the run's token budget is spent (200 of 150 tokens); the "
                + "items still pending were not run");
        assertThat(run.get("settings").get("maxTokens").asLong()).isEqualTo(150);
        assertThat(http().get("/api/evaluations/runs/" + id + "/results").json().get("items")).hasSize(2);

        JsonNode unlimited = awaitStatus(create("""
                {"dataset": "%s", "concurrency": 2, "scorers": ["squad"]}
                """.formatted(dataset())), "completed");
        assertThat(unlimited.get("done").asInt()).isEqualTo(5);
        assertThat(unlimited.get("tokensSpent").asLong()).isEqualTo(500);
        assertThat(unlimited.get("error").isNull()).isTrue();
    }

    @Test
    void compares_two_runs_side_by_side() throws Exception {
        String a = create("{\"dataset\": \"%s\", \"scorers\": [\"squad\"]}".formatted(dataset()));
        String b = create("{\"dataset\": \"%s\", \"scorers\": [\"deepresearcher\"], \"memoryMode\": \"read-write\"}".formatted(dataset()));
        awaitStatus(a, "completed");
        awaitStatus(b, "completed");

        JsonNode compare = http().get("/api/evaluations/compare?a=" + a + "&b=" + b).json();

        assertThat(compare.get("a").get("aggregates").get("all").get("pass1").asDouble()).isEqualTo(0.6);
        assertThat(compare.get("b").get("aggregates").get("all").get("pass1").asDouble()).isEqualTo(0.6);
        assertThat(compare.get("delta").get("all").get("pass1").asDouble()).isEqualTo(0.0);
        assertThat(compare.get("questions").get("both").asInt()).isEqualTo(3);
        assertThat(compare.get("questions").get("neither").asInt()).isEqualTo(2);
    }

    @Test
    void uploads_a_dataset_and_exports_a_gaia_submission() throws Exception {
        String boundary = "----casebook" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"metadata.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n"
                + "{\"task_id\": \"t-1\", \"Question\": \"Largest planet?\", \"Level\": 1, \"Final answer\": \"jupiter\", \"file_name\": \"\"}\n"
                + "\r\n--" + boundary + "--\r\n";
        TestClient.Reply uploaded = http().post("/api/evaluations/datasets", "multipart/form-data; boundary=" + boundary, body);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        assertThat(uploaded.json().get("format").asString()).isEqualTo("gaia");
        assertThat(uploaded.json().get("items").asInt()).isEqualTo(1);

        String id = create("{\"dataset\": \"%s\"}".formatted(uploaded.json().get("dataset").asString()));
        JsonNode run = awaitStatus(id, "completed");
        assertThat(run.get("settings").get("scorers").toString()).isEqualTo("[\"gaia\"]");
        assertThat(run.get("accuracy").asDouble()).isEqualTo(1.0);
        TestClient.Reply submission = http().get("/api/evaluations/runs/" + id + "/gaia-submission");
        assertThat(submission.body()).isEqualTo("{\"task_id\":\"t-1\",\"model_answer\":\"Jupiter\"}\n");
    }

    @Test
    void gaia_attachments_are_passed_to_the_task() throws Exception {
        Path validation = Files.createDirectories(dir.resolve("gaia-attach/2023/validation"));
        Files.writeString(validation.resolve("metadata.jsonl"),
                "{\"task_id\": \"a-1\", \"Question\": \"Red planet?\", \"Level\": 2, \"Final answer\": \"Mars\", \"file_name\": \"a-1.txt\"}\n");
        Files.writeString(validation.resolve("a-1.txt"), "the attached notes");

        String id = create("{\"dataset\": \"%s\"}".formatted(dir.resolve("gaia-attach")));
        awaitStatus(id, "completed");

        var spec = agent.specs.stream().filter(s -> s.attachments().size() == 1).findFirst().orElseThrow();
        assertThat(spec.attachments().getFirst()).isEqualTo(validation.resolve("a-1.txt").toAbsolutePath().normalize());
        assertThat(Files.readString(spec.attachments().getFirst())).isEqualTo("the attached notes");
    }

    @Test
    void the_command_line_creates_a_run_follows_it_and_downloads_results() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path csv = dir.resolve("cli-results.csv");

        int status = dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", dataset().toString(), "--scorers", "squad", "--groups", "gas", "--results-csv", csv.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("completed 2/2 accuracy=1.0", "aggregates {\"1\":{\"all\":{\"questions\":2");
        assertThat(printed.strip()).endsWith("completed");
        assertThat(Files.readAllLines(csv)).hasSize(3);

        int refused = dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", dataset().toString(), "--attempts", "0"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the server refused the run (400): field 'attempts' must be within [1, 100], was 0");

        int notANumber = dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", dataset().toString(), "--max-tokens", "lots"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(notANumber).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad --max-tokens 'lots': give a whole number");

        int budgeted = dev.casebook.eval.cli.RunCommand.run(new String[] {"--server", "http://127.0.0.1:" + port,
                "--dataset", dataset().toString(), "--scorers", "squad", "--concurrency", "1", "--max-tokens", "100"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(budgeted).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("completed 1/5");
    }

    @Test
    void bad_requests_are_problems_with_a_useful_detail() throws Exception {
        assertProblem(http().post("/api/evaluations/runs", "{}"), 400, "field 'dataset' is required");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"/nope/x.jsonl\"}"), 400, "dataset '/nope/x.jsonl' not found");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"scorers\": [\"bleu\"]}".formatted(dataset())),
                400, "unknown scorer 'bleu'");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"scorers\": [\"judge\"]}".formatted(dataset())),
                503, "scorer 'judge' needs a judge model, and none is configured");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"attempts\": 0}".formatted(dataset())),
                400, "field 'attempts' must be within [1, 100], was 0");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"limit\": 1, \"sample\": 1}".formatted(dataset())),
                400, "give either limit or sample, not both");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"groups\": [\"ice\"]}".formatted(dataset())),
                400, "no questions selected");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"memoryMode\": \"sometimes\"}".formatted(dataset())),
                400, "memory mode must be one of off, read-only, read-write");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"maxTokens\": 0}".formatted(dataset())),
                400, "field 'maxTokens' must be within [1, 1000000000000], was 0");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\", \"colour\": 1}".formatted(dataset())),
                400, "unknown field 'colour'");
        Path broken = dir.resolve("broken.jsonl");
        Files.writeString(broken, "{\"id\": \"a\", \"question\": \"q\", \"answers\": [\"x\"]}\n{\"id\": \"b\"\n");
        assertProblem(http().post("/api/evaluations/runs", "{\"dataset\": \"%s\"}".formatted(broken)), 400, "row 2: invalid JSON");
        assertProblem(http().get("/api/evaluations/runs/no-such-run"), 404, "no evaluation run with id 'no-such-run'");
        assertProblem(http().get("/api/evaluations/runs/no-such-run/results.csv"), 404, "no evaluation run");
    }

    private static void assertProblem(TestClient.Reply reply, int status, String detail) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.contentType()).startsWith("application/problem+json");
        assertThat(reply.json().get("detail").asString()).contains(detail);
    }

    private JsonNode awaitRunning(String id, int running) {
        return http().await("/api/evaluations/runs/" + id, run -> run.get("running").asInt() == running);
    }

    private List<String> sse(String path, CountDownLatch first) {
        List<String> events = new ArrayList<>();
        try {
            HttpResponse<InputStream> response = TestClient.HTTP.send(http().request(path).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String event = null;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        events.add(event + ":" + line.substring(5));
                        first.countDown();
                        if ("end".equals(event)) {
                            break;
                        }
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("event stream failed", e);
        }
        return events;
    }
}
