package dev.casebook.testkit.http;

import static dev.casebook.testkit.Eventually.eventually;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP client of a Casebook server under test (at {@code 127.0.0.1:port}), calling as the tenant whose API key is
 * {@code key} (a bearer token; null sends none). Paths are sent exactly as written. Replies are returned whatever their
 * status, so a test asserts on the status it expects; a failed connection throws {@link UncheckedIOException}.
 */
public record TestClient(int port, String key) {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    /** Generous: a loaded machine may take a long time to answer; a request that hangs fails after this. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A client that sends no API key. */
    public TestClient(int port) {
        this(port, null);
    }

    /** A reply of the server: status, {@code Content-Type} ("" without one), body and headers. */
    public record Reply(int status, String contentType, String body, HttpHeaders headers) {
        /** A reply read without the client (a raw socket), without headers. */
        public Reply(int status, String contentType, String body) {
            this(status, contentType, body, HttpHeaders.of(Map.of(), (name, value) -> true));
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        /** The {@code detail} of an {@code application/problem+json} body ("" without one). */
        public String detail() {
            return json().path("detail").asString();
        }

        /** The OpenAI error object of a {@code /v1} error; fails when the body is not one. */
        public JsonNode error() {
            JsonNode error = json().path("error");
            if (!error.isObject()) {
                throw new AssertionError("not an OpenAI error: " + status + " " + contentType + " " + body);
            }
            return error;
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    /** The same server as another tenant (another key; null for none). */
    public TestClient as(String otherKey) {
        return new TestClient(port, otherKey);
    }

    public Reply get(String path) {
        return send(request(path).GET());
    }

    public Reply post(String path, String json) {
        return post(path, "application/json", json);
    }

    public Reply post(String path, JsonNode json) {
        return post(path, JSON.writeValueAsString(json));
    }

    public Reply post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Any method, with a JSON body or ({@code json} null) none. */
    public Reply method(String method, String path, String json) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json);
        HttpRequest.Builder builder = request(path).method(method, body);
        return send(json == null ? builder : builder.header("Content-Type", "application/json"));
    }

    /** A multipart/form-data upload of one file in field {@code file}, the file name written as given. */
    public Reply upload(String path, String fileName, String content) {
        String boundary = "----casebook" + System.nanoTime();
        byte[] body = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A request to {@code path} with this client's key and timeout, for what the other methods do not cover. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(REQUEST_TIMEOUT);
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }

    public Reply send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r.headers());
    }

    /** The {@code data:} payloads of a streamed chat completion ({@code POST /v1/chat/completions}), to its end. */
    public List<String> stream(JsonNode body) {
        HttpResponse<Stream<String>> r = exchange(request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new AssertionError("stream answered " + r.statusCode() + ": " + String.join("\n", r.body().toList()));
        }
        List<String> data = new ArrayList<>();
        r.body().forEach(line -> {
            if (line.startsWith("data: ")) {
                data.add(line.substring("data: ".length()));
            }
        });
        return data;
    }

    /** The events of a server-sent event stream as {@code name:data}, up to and with the one named {@code end}. */
    public List<String> events(String path) {
        List<String> events = new ArrayList<>();
        HttpResponse<InputStream> response = exchange(request(path).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    events.add(event + ":" + line.substring(5));
                    if ("end".equals(event)) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("event stream " + path + " failed", e);
        }
        return events;
    }

    /** Reads the JSON at {@code path} until {@code condition} holds ({@link dev.casebook.testkit.Eventually}). */
    public JsonNode await(String path, Predicate<JsonNode> condition) {
        return eventually(path + " to get there", () -> get(path).json(), condition);
    }

    /** Reads a task until it has ended (neither {@code queued} nor {@code running}); returns it. */
    public JsonNode awaitTask(String id) {
        return eventually("task " + id + " to end", () -> get("/api/tasks/" + id).json(), TestClient::atRest);
    }

    /** Whether a task or job is at rest: its {@code status} is neither {@code queued} nor {@code running}. */
    public static boolean atRest(JsonNode taskOrJob) {
        String status = taskOrJob.path("status").asString();
        return !status.equals("queued") && !status.equals("running");
    }

    private static <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return HTTP.send(request, body);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
