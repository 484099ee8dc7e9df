package dev.casebook.tools.search;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Tavily search API ({@code POST /search} with a JSON body, key as a bearer token). */
public final class TavilySearch implements SearchProvider {
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.tavily.com");

    private final URI baseUrl;
    private final String apiKey;
    private final JsonSearchClient client = new JsonSearchClient(SearchSettings.TAVILY);

    public TavilySearch(URI baseUrl, String apiKey) {
        this.baseUrl = baseUrl == null ? DEFAULT_BASE_URL : baseUrl;
        this.apiKey = apiKey;
    }

    @Override
    public String name() {
        return SearchSettings.TAVILY;
    }

    @Override
    public List<SearchHit> search(String query, int count, Duration timeout) {
        String body = client.json(Map.of("query", query, "max_results", Math.min(count, 20)));
        HttpRequest.Builder request = HttpRequest.newBuilder(JsonSearchClient.endpoint(baseUrl, "/search"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey);
        List<SearchHit> hits = new ArrayList<>();
        for (JsonNode result : client.send(request, timeout).path("results")) {
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
