package dev.casebook.tools.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;

/** The Brave Search API ({@code GET /res/v1/web/search}, key in {@code X-Subscription-Token}). */
public final class BraveSearch implements SearchProvider {
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.search.brave.com");

    private final URI baseUrl;
    private final String apiKey;
    private final JsonSearchClient client = new JsonSearchClient(SearchSettings.BRAVE);

    public BraveSearch(URI baseUrl, String apiKey) {
        this.baseUrl = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
        this.apiKey = apiKey;
    }

    @Override
    public String name() {
        return SearchSettings.BRAVE;
    }

    @Override
    public List<SearchHit> search(String query, int count, Duration timeout) {
        URI uri = URI.create(JsonSearchClient.endpoint(baseUrl, "/res/v1/web/search") + "?"
                + JsonSearchClient.query(Map.of("q", query, "count", Integer.toString(Math.min(count, 20)))));
        JsonNode body = client.send(HttpRequest.newBuilder(uri).GET().header("X-Subscription-Token", apiKey), timeout);
        List<SearchHit> hits = new ArrayList<>();
        for (JsonNode result : body.path("web").path("results")) {
            if (hits.size() == count) {
                break;
            }
            if (result.hasNonNull("url")) {
                // Brave marks query terms in descriptions with <strong>
                hits.add(new SearchHit(result.path("title").asText(), result.path("url").asText(),
                        Jsoup.parse(result.path("description").asText()).text()));
            }
        }
        return hits;
    }
}
