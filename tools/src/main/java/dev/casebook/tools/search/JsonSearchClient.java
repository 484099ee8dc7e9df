package dev.casebook.tools.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.casebook.tools.ToolInfrastructureException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** HTTP and JSON plumbing shared by the search providers: status handling, timeouts, error wording. */
final class JsonSearchClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    private final String provider;

    JsonSearchClient(String provider) {
        this.provider = provider;
    }

    static String query(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static URI endpoint(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }

    String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a search request", e);
        }
    }

    JsonNode send(HttpRequest.Builder request, Duration timeout) {
        HttpRequest built = request.timeout(timeout).header("Accept", "application/json").build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new SearchProvider.SearchTimeoutException(
                    "the " + provider + " search did not answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            throw new ToolInfrastructureException(
                    "cannot connect to the " + provider + " search at " + built.uri().getHost(), true, e);
        } catch (IOException e) {
            throw new ToolInfrastructureException("the " + provider + " search request failed: " + e, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolInfrastructureException("interrupted while searching with " + provider, false, e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ToolInfrastructureException("the " + provider + " search refused the request (HTTP " + status
                    + "): check the configured API key", false, null);
        }
        if (status == 429) {
            throw new ToolInfrastructureException("the " + provider + " search is rate limited (HTTP 429)", true, null);
        }
        if (status >= 400) {
            throw new ToolInfrastructureException("the " + provider + " search answered HTTP " + status + ": "
                    + abbreviate(response.body()), status >= 500, null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ToolInfrastructureException("the " + provider + " search answered something that is not JSON: "
                    + abbreviate(response.body()), false, e);
        }
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
