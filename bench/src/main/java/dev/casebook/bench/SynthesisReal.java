package dev.casebook.bench;

import dev.casebook.server.CasebookApplication;
import dev.casebook.server.security.ApiKeys;
import dev.casebook.testkit.SharedData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code ./casebook bench synthesis-real --base-url URL --model M [--api-key K] [--domain D] [--train-tasks 10]
 * [--heldout-tasks 20] [--rollouts 2] [--tasks-file F] [--dataset deepresearcher/test.parquet] [--sample 50]
 * [--seed 7]}: does synthesised memory help a REAL model (not run in CI; docs/synthesis.md). One server in this
 * process (H2 and Lucene in a temporary directory), every role on the given model, one tenant per arm:
 * <ol>
 *   <li>held-out sandbox tasks, frozen: read from {@code --tasks-file} when it exists, otherwise generated once by a
 *   sandbox job (memory off) and written there, so later runs use the same tasks;</li>
 *   <li>sandbox-seeded memory: tenant {@code sandbox} runs a sandbox job of {@code --train-tasks} other tasks of the
 *   domain, read-write;</li>
 *   <li>dream-seeded memory: tenant {@code dream} dreams those training statements against the experience model,
 *   read-write;</li>
 *   <li>pass@1 by validator on the frozen tasks ({@code given} tasks of a sandbox job, one rollout each): memory off,
 *   the sandbox-seeded memory read-only, the dream-seeded memory read-only;</li>
 *   <li>with {@code --dataset}: a held-out sample of DeepResearcher-style questions (fixed {@code --seed}) as
 *   evaluation runs, memory off vs the dream-seeded memory read-only, mean F1 ({@code deepresearcher} scorer): the
 *   no-harm check (synthetic cases should cost at most 1 point).</li>
 * </ol>
 */
final class SynthesisReal implements Bench.Benchmark {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, String> KEYS = Map.of("off", "bench-off", "sandbox", "bench-sandbox", "dream",
            "bench-dream");

    @Override
    public void run(String[] args) throws Exception {
        Map<String, String> a = options(args);
        String baseUrl = required(a, "--base-url");
        String model = required(a, "--model");
        String domain = a.getOrDefault("--domain", "python data wrangling with files");
        int train = Integer.parseInt(a.getOrDefault("--train-tasks", "10"));
        int heldout = Integer.parseInt(a.getOrDefault("--heldout-tasks", "20"));
        int rollouts = Integer.parseInt(a.getOrDefault("--rollouts", "2"));
        Path tasksFile = Path.of(a.getOrDefault("--tasks-file", "target/synthesis-real-heldout.json"));
        Path dir = Files.createTempDirectory("casebook-synthesis-real");
        List<String> props = new ArrayList<>(List.of("--server.port=0",
                "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_DELAY=-1",
                "--casebook.memory.store=lucene", "--casebook.memory.dir=" + dir.resolve("cases"),
                "--casebook.attachments.dir=" + dir.resolve("attachments"),
                "--casebook.models.planner.base-url=" + baseUrl, "--casebook.models.planner.model=" + model,
                "--casebook.models.planner.api-key=" + a.getOrDefault("--api-key",
                        System.getenv().getOrDefault("OPENAI_API_KEY", "none")),
                "--casebook.security.enabled=true", "--logging.level.root=WARN"));
        int i = 0;
        for (Map.Entry<String, String> key : KEYS.entrySet()) {
            props.add("--casebook.security.api-keys[" + i + "].tenant=" + key.getKey());
            props.add("--casebook.security.api-keys[" + i++ + "].sha256=" + ApiKeys.sha256(key.getValue()));
        }
        System.out.println("synthesis-real: a REAL model (" + model + " at " + baseUrl + "); domain '" + domain
                + "'; each arm is a tenant of one server");
        try (ConfigurableApplicationContext server = new SpringApplicationBuilder(CasebookApplication.class)
                .run(props.toArray(String[]::new))) {
            String base = "http://127.0.0.1:" + server.getEnvironment().getProperty("local.server.port");
            ArrayNode frozen = heldOut(base, tasksFile, domain, heldout);
            System.out.printf("held-out sandbox tasks: %d (frozen in %s)%n", frozen.size(), tasksFile);
            JsonNode trained = awaitJob(base, "sandbox", "/api/synthesis/sandbox-tasks", post(base, "sandbox",
                    "/api/synthesis/sandbox-tasks", Map.of("domain", domain, "tasks", train, "rolloutsPerTask",
                            rollouts, "memoryMode", "read-write", "name", "synthesis-real training")));
            List<String> statements = new ArrayList<>();
            get(base, "sandbox", "/api/synthesis/sandbox-tasks/" + trained.get("id").asString() + "/results")
                    .get("generatedTasks").forEach(t -> {
                        if (t.get("kept").asBoolean()) {
                            statements.add(t.get("statement").asString());
                        }
                    });
            if (!statements.isEmpty()) {
                awaitJob(base, "dream", "/api/synthesis/dreams", post(base, "dream", "/api/synthesis/dreams",
                        Map.of("tasks", statements, "rolloutsPerTask", rollouts, "memoryMode", "read-write")));
            }
            System.out.printf("memory: %d sandbox training tasks kept; dream-seeded with the same %d statements%n",
                    statements.size(), statements.size());
            System.out.printf("%-16s %-10s %-10s%n", "arm", "pass@1", "rollouts");
            Map<String, Double> pass = new LinkedHashMap<>();
            for (String arm : List.of("off", "sandbox", "dream")) {
                JsonNode job = awaitJob(base, arm, "/api/synthesis/sandbox-tasks", post(base, arm,
                        "/api/synthesis/sandbox-tasks", Map.of("domain", domain, "given", frozen, "rolloutsPerTask", 1,
                                "memoryMode", arm.equals("off") ? "off" : "read-only", "name",
                                "synthesis-real held-out " + arm)));
                JsonNode r = job.get("rollouts");
                double rate = r.get("successRate").isNull() ? 0 : r.get("successRate").asDouble();
                pass.put(arm, rate);
                System.out.printf("%-16s %-10.3f %-10d%n", arm + "-memory", rate, r.get("done").asInt());
            }
            System.out.printf("sandbox-seeded - off: %+.3f; dream-seeded - off: %+.3f%n",
                    pass.get("sandbox") - pass.get("off"), pass.get("dream") - pass.get("off"));
            if (a.containsKey("--dataset")) {
                String dataset = SharedData.file(a.get("--dataset")).toString();
                Map<String, Object> run = Map.of("dataset", dataset, "sample", Integer.parseInt(
                        a.getOrDefault("--sample", "50")), "seed", Integer.parseInt(a.getOrDefault("--seed", "7")),
                        "scorers", List.of("deepresearcher"));
                double off = f1(base, "off", run, "off");
                double dream = f1(base, "dream", run, "read-only");
                System.out.printf("DeepResearcher held-out sample: F1 off %.1f, dream-seeded %.1f, difference %+.1f"
                        + " points (no harm: >= -1)%n", 100 * off, 100 * dream, 100 * (dream - off));
            }
        }
    }

    private static ArrayNode heldOut(String base, Path file, String domain, int n) throws Exception {
        if (Files.exists(file)) {
            return (ArrayNode) JSON.readTree(Files.readString(file));
        }
        JsonNode job = awaitJob(base, "off", "/api/synthesis/sandbox-tasks", post(base, "off",
                "/api/synthesis/sandbox-tasks", Map.of("domain", domain + " (held-out)", "tasks", n,
                        "rolloutsPerTask", 1, "memoryMode", "off", "name", "synthesis-real held-out generation")));
        ArrayNode frozen = JSON.createArrayNode();
        get(base, "off", "/api/synthesis/sandbox-tasks/" + job.get("id").asString() + "/results")
                .get("generatedTasks").forEach(t -> {
                    if (t.get("kept").asBoolean()) {
                        frozen.addObject().put("statement", t.get("statement").asString())
                                .put("validator", t.get("validator").asString())
                                .put("reference", t.get("reference").asString())
                                .put("near_miss", t.get("nearMiss").asString())
                                .put("difficulty", t.get("estimate").asInt())
                                .set("files", t.get("files"));
                    }
                });
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(frozen));
        return frozen;
    }

    private static double f1(String base, String tenant, Map<String, Object> run, String memory) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>(run);
        body.put("memoryMode", memory);
        JsonNode created = post(base, tenant, "/api/evaluations/runs", body);
        JsonNode done = awaitJob(base, tenant, "/api/evaluations/runs", created);
        JsonNode aggregates = get(base, tenant, "/api/evaluations/runs/" + done.get("id").asString() + "/results")
                .get("aggregates");
        JsonNode last = null;
        for (JsonNode epoch : aggregates) {
            last = epoch;
        }
        return last == null ? 0 : last.get("all").get("scorers").get("deepresearcher").get("meanValue").asDouble();
    }

    private static JsonNode awaitJob(String base, String tenant, String path, JsonNode created) throws Exception {
        String id = created.get("id").asString();
        while (true) {
            JsonNode job = get(base, tenant, path + "/" + id);
            String status = job.get("status").asString();
            if (status.equals("completed") || status.equals("failed") || status.equals("cancelled")) {
                if (!status.equals("completed")) {
                    throw new IllegalStateException(path + "/" + id + " ended " + status + ": " + job.get("error"));
                }
                return job;
            }
            Thread.sleep(Duration.ofSeconds(2));
        }
    }

    private static JsonNode post(String base, String tenant, String path, Object body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + KEYS.get(tenant)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " refused: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static JsonNode get(String base, String tenant, String path) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + KEYS.get(tenant)).build(), HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (args[i].startsWith("--") && eq > 2) {
                out.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                out.put(args[i], args[++i]);
            } else {
                throw new IllegalArgumentException("expected --name value options, got '" + args[i] + "'");
            }
        }
        return out;
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " is required: ./casebook bench synthesis-real --base-url URL"
                    + " --model M");
        }
        return v;
    }
}
