package dev.casebook.eval.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A batch evaluation run from the command line, through a running server's REST API: creates the run, prints its
 * progress from the event stream until it ends, then the aggregates; optionally downloads the results. Run it as
 * {@code ./casebook eval --server http://localhost:8080 --dataset /data/gaia --scorers gaia}. Exit status 0 when the
 * run completed, 1 when it was cancelled or failed, 2 for bad usage or a request the server refused (its problem
 * detail is printed), 3 when the server cannot be reached.
 */
public final class RunCommand {
    static final String USAGE = """
            usage: RunCommand --server URL [--api-key KEY] --dataset PATH [run options] [downloads]
              run options: --name N --format F --split validation|test --groups g1,g2 --limit N | --sample N --seed S
                           --attempts K --concurrency N --memory-mode off|read-only|read-write --policy P
                           --scorers s1,s2 --epochs N --no-guard true --max-tokens N (a token budget)
                           --models planner=NAME,executor=NAME,judge=NAME (a model profile or a model name)
              downloads:   --results-csv FILE --results-json FILE --gaia-submission FILE
              --follow RUN_ID   follow an existing run instead of creating one""";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OPTIONS = Set.of("server", "api-key", "dataset", "name", "format", "split", "groups",
            "limit", "sample", "seed", "attempts", "concurrency", "memory-mode", "policy", "scorers", "epochs", "no-guard", "models", "max-tokens",
            "results-csv", "results-json", "gaia-submission", "follow");

    private RunCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !OPTIONS.contains(args[i].substring(2))) {
                err.println("bad argument '" + args[i] + "'\n" + USAGE);
                return 2;
            }
            options.put(args[i].substring(2), args[++i]);
        }
        if (!options.containsKey("server") || !(options.containsKey("dataset") || options.containsKey("follow"))) {
            err.println(USAGE);
            return 2;
        }
        for (String key : List.of("limit", "sample", "attempts", "concurrency", "epochs", "seed", "max-tokens")) {
            if (options.containsKey(key) && !options.get(key).matches("-?[0-9]{1,18}")) {
                err.println("bad --" + key + " '" + options.get(key) + "': give a whole number\n" + USAGE);
                return 2;
            }
        }
        if (options.containsKey("models") && models(options.get("models")) == null) {
            err.println("bad --models '" + options.get("models") + "': give role=name pairs separated by commas\n" + USAGE);
            return 2;
        }
        Client client = new Client(options.get("server").replaceAll("/+$", ""), options.get("api-key"));
        try {
            String id = options.get("follow");
            if (id == null) {
                HttpResponse<String> created = client.send("POST", "/api/evaluations/runs", JSON.writeValueAsString(body(options)));
                if (created.statusCode() != 201) {
                    err.println("eval: the server refused the run (" + created.statusCode() + "): " + detail(created.body()));
                    return 2;
                }
                id = JSON.readTree(created.body()).get("id").asText();
                out.println("run " + id + " created");
            }
            String status = follow(client, id, out);
            HttpResponse<String> results = client.send("GET", "/api/evaluations/runs/" + id + "/results", null);
            if (results.statusCode() != 200) {
                err.println("eval: results not available (" + results.statusCode() + "): " + detail(results.body()));
                return 2;
            }
            JsonNode aggregates = JSON.readTree(results.body()).get("aggregates");
            out.println("aggregates " + JSON.writeValueAsString(aggregates));
            download(client, "/api/evaluations/runs/" + id + "/results.csv", options.get("results-csv"));
            download(client, "/api/evaluations/runs/" + id + "/results", options.get("results-json"));
            download(client, "/api/evaluations/runs/" + id + "/gaia-submission", options.get("gaia-submission"));
            out.println("run " + id + " " + status);
            return "completed".equals(status) ? 0 : 1;
        } catch (IOException e) {
            err.println("eval: cannot reach " + options.get("server") + ": " + reason(e));
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
    }

    private static ObjectNode body(Map<String, String> options) {
        ObjectNode body = JSON.createObjectNode();
        body.put("dataset", options.get("dataset"));
        for (String key : List.of("name", "format", "split", "policy")) {
            if (options.containsKey(key)) {
                body.put(key, options.get(key));
            }
        }
        if (options.containsKey("memory-mode")) {
            body.put("memoryMode", options.get("memory-mode"));
        }
        for (String key : List.of("limit", "sample", "attempts", "concurrency", "epochs")) {
            if (options.containsKey(key)) {
                body.put(key, Integer.parseInt(options.get(key)));
            }
        }
        if (options.containsKey("seed")) {
            body.put("seed", Long.parseLong(options.get("seed")));
        }
        if (options.containsKey("max-tokens")) {
            body.put("maxTokens", Long.parseLong(options.get("max-tokens")));
        }
        for (String key : List.of("groups", "scorers")) {
            if (options.containsKey(key)) {
                var array = body.putArray(key);
                for (String value : options.get(key).split(",")) {
                    array.add(value.strip());
                }
            }
        }
        if (Boolean.parseBoolean(options.getOrDefault("no-guard", "false"))) {
            body.put("leaveOneTaskOut", false);
        }
        if (options.containsKey("models")) {
            ObjectNode models = body.putObject("models");
            models(options.get("models")).forEach(models::put);
        }
        return body;
    }

    /** {@code planner=a,judge=b} as a map (the server checks roles and names); null when it is not such a list. */
    static Map<String, String> models(String pairs) {
        Map<String, String> models = new LinkedHashMap<>();
        for (String pair : pairs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                return null;
            }
            models.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return models;
    }

    /** Prints "done/total accuracy eta" for each progress event; returns the final status. */
    private static String follow(Client client, String id, PrintStream out) throws IOException, InterruptedException {
        HttpResponse<InputStream> stream = client.stream("/api/evaluations/runs/" + id + "/events");
        String event = null;
        String status = "unknown";
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    JsonNode data = JSON.readTree(line.substring(5));
                    if ("progress".equals(event)) {
                        out.printf("%s %d/%d accuracy=%s eta=%ss%n", data.path("status").asText(), data.path("done").asInt(),
                                data.path("total").asInt(), data.path("accuracy").isNull() ? "-" : data.path("accuracy").asText(),
                                data.path("etaSeconds").isNull() ? "-" : data.path("etaSeconds").asText());
                    } else if ("end".equals(event)) {
                        status = data.path("status").asText();
                        break;
                    }
                }
            }
        }
        return status;
    }

    private static void download(Client client, String path, String file) throws IOException, InterruptedException {
        if (file != null) {
            HttpResponse<String> response = client.send("GET", path, null);
            Files.writeString(Path.of(file), response.body(), StandardCharsets.UTF_8);
        }
    }

    /** Why a request failed, in words: the JDK's connection errors often carry no message. */
    static String reason(IOException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String known = switch (cause) {
                case ConnectException c -> "connection refused";
                case HttpConnectTimeoutException t -> "connection timed out";
                case HttpTimeoutException t -> "no answer in time";
                case UnknownHostException u -> "unknown host " + u.getMessage();
                case UnresolvedAddressException u -> "unknown host";
                default -> null;
            };
            if (known != null) {
                return known;
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                return cause.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }

    private static String detail(String body) {
        try {
            JsonNode problem = JSON.readTree(body);
            return problem.hasNonNull("detail") ? problem.get("detail").asText() : body;
        } catch (IOException e) {
            return body;
        }
    }

    private record Client(String base, String key) {
        static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        HttpRequest.Builder request(String path) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
            return key == null ? builder : builder.header("Authorization", "Bearer " + key);
        }

        HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
            HttpRequest.Builder builder = request(path).timeout(Duration.ofMinutes(2));
            builder = json == null ? builder.method(method, HttpRequest.BodyPublishers.noBody())
                    : builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
            return HTTP.send(request(path).header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        }
    }
}
