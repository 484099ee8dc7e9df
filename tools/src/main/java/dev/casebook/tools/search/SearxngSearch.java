package dev.casebook.tools.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A SearxNG instance's JSON API ({@code GET /search?q=...&format=json}; JSON must be enabled in its settings). */
public final class SearxngSearch implements SearchProvider {
    private final URI baseUrl;
    private final JsonSearchClient client = new JsonSearchClient(SearchSettings.SEARXNG);

    public SearxngSearch(URI baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public String name() {
        return SearchSettings.SEARXNG;
    }

    @Override
    public List<SearchHit> search(String query, int count, Duration timeout) {
        URI uri = URI.create(JsonSearchClient.endpoint(baseUrl, "/search") + "?"
                + JsonSearchClient.query(Map.of("q", query, "format", "json")));
        JsonNode body = client.send(HttpRequest.newBuilder(uri).GET(), timeout);
        List<SearchHit> hits = new ArrayList<>();
        for (JsonNode result : body.path("results")) {
            if (hits.size() == count) {
                break;
            }
            if (result.hasNonNull("url")) {
                hits.add(new SearchHit(result.path("title").asText(), result.path("url").asText(),
                        result.path("content").asText()));
            }
        }
        return hits;
    }
}
