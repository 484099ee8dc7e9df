package dev.casebook.tools.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.casebook.tools.ToolContext;
import dev.casebook.tools.ToolInfrastructureException;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.casebook.tools.testing.LocalHttpServer;
import java.net.URI;
import java.net.URLDecoder;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSearchToolTest {
    private static final ToolContext CONTEXT = new ToolContext("acme", "t1", List.of(), Duration.ofSeconds(30));

    // shapes as documented by each provider, trimmed to a few fields beside the ones read
    private static final String SEARXNG = """
            {"query": "case based reasoning", "number_of_results": 0,
             "results": [
               {"url": "https://en.wikipedia.org/wiki/Case-based_reasoning", "title": "Case-based reasoning - Wikipedia",
                "content": "Case-based reasoning is the process of solving new problems based on the solutions of similar past problems.",
                "engine": "duckduckgo", "parsed_url": ["https", "en.wikipedia.org", "/wiki/Case-based_reasoning", "", "", ""],
                "template": "default.html", "engines": ["duckduckgo", "bing"], "positions": [1, 2], "score": 4.0, "category": "general"},
               {"url": "https://example.org/cbr", "title": "CBR primer", "content": "", "engine": "bing", "score": 1.0},
               {"url": "https://example.org/third", "title": "Third", "content": "third hit", "engine": "bing", "score": 0.5}
             ],
             "answers": [], "corrections": [], "infoboxes": [], "suggestions": [], "unresponsive_engines": []}""";
    private static final String BRAVE = """
            {"type": "search", "query": {"original": "memento agent", "more_results_available": true},
             "mixed": {"type": "mixed", "main": [{"type": "web", "index": 0, "all": false}]},
             "web": {"type": "search", "family_friendly": true, "results": [
               {"title": "Memento: Fine-tuning LLM Agents without Fine-tuning LLMs", "url": "https://arxiv.org/abs/2508.16153",
                "is_source_local": false, "is_source_both": false,
                "description": "We introduce <strong>Memento</strong>, a memory-based <strong>agent</strong> learning paradigm.",
                "language": "en", "family_friendly": true, "type": "search_result", "subtype": "generic",
                "meta_url": {"scheme": "https", "netloc": "arxiv.org", "hostname": "arxiv.org", "path": "› abs › 2508.16153"}}
             ]}}""";
    private static final String TAVILY = """
            {"query": "pgvector hnsw", "follow_up_questions": null, "answer": null, "images": [],
             "results": [{"title": "pgvector README", "url": "https://github.com/pgvector/pgvector",
                          "content": "HNSW index: an HNSW index creates a multilayer graph.", "score": 0.91, "raw_content": null}],
             "response_time": 1.09}""";

    private final LocalHttpServer server = LocalHttpServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static ToolResult search(WebSearchTool tool, String arguments) {
        return tool.execute(new ToolInvocation(arguments, CONTEXT));
    }

    private static Map<String, String> parameters(URI uri) {
        return Arrays.stream(uri.getRawQuery().split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    private SearchSettings settings(String provider, String key) {
        return new SearchSettings(provider, URI.create(server.url("127.0.0.1")), key, 8, Duration.ofSeconds(5));
    }

    @Test
    void searches_a_searxng_instance_through_its_json_api() {
        AtomicReference<URI> asked = new AtomicReference<>();
        server.on("/search", exchange -> {
            asked.set(exchange.getRequestURI());
            LocalHttpServer.send(exchange, 200, "application/json", SEARXNG);
        });
        WebSearchTool tool = WebSearchTool.of(settings("searxng", null));

        ToolResult result = search(tool, "{\"query\":\"case based reasoning\",\"count\":2}");

        assertThat(parameters(asked.get())).isEqualTo(Map.of("q", "case based reasoning", "format", "json"));
        assertThat(result).isEqualTo(ToolResult.ok("""
                Results for "case based reasoning":

                1. Case-based reasoning - Wikipedia
                   https://en.wikipedia.org/wiki/Case-based_reasoning
                   Case-based reasoning is the process of solving new problems based on the solutions of similar past problems.

                2. CBR primer
                   https://example.org/cbr"""));
    }

    @Test
    void searches_brave_with_the_subscription_token() {
        AtomicReference<String> token = new AtomicReference<>();
        AtomicReference<URI> asked = new AtomicReference<>();
        server.on("/res/v1/web/search", exchange -> {
            token.set(exchange.getRequestHeaders().getFirst("X-Subscription-Token"));
            asked.set(exchange.getRequestURI());
            LocalHttpServer.send(exchange, 200, "application/json", BRAVE);
        });

        ToolResult result = search(WebSearchTool.of(settings("brave", "brave-key")), "{\"query\":\"memento agent\"}");

        assertThat(token.get()).isEqualTo("brave-key");
        assertThat(parameters(asked.get())).isEqualTo(Map.of("q", "memento agent", "count", "8"));
        assertThat(result).isEqualTo(ToolResult.ok("""
                Results for "memento agent":

                1. Memento: Fine-tuning LLM Agents without Fine-tuning LLMs
                   https://arxiv.org/abs/2508.16153
                   We introduce Memento, a memory-based agent learning paradigm."""));
    }

    @Test
    void searches_tavily_with_a_json_body_and_bearer_key() {
        AtomicReference<String> authorization = new AtomicReference<>();
        AtomicReference<String> body = new AtomicReference<>();
        server.on("/search", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            body.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            LocalHttpServer.send(exchange, 200, "application/json", TAVILY);
        });

        ToolResult result = search(WebSearchTool.of(settings("tavily", "tvly-key")), "{\"query\":\"pgvector hnsw\",\"count\":3}");

        assertThat(authorization.get()).isEqualTo("Bearer tvly-key");
        assertThat(body.get()).contains("\"query\":\"pgvector hnsw\"").contains("\"max_results\":3");
        assertThat(result.text()).contains("1. pgvector README\n   https://github.com/pgvector/pgvector\n   HNSW index:");
    }

    @Test
    void explains_that_no_provider_is_configured() {
        WebSearchTool tool = WebSearchTool.of(SearchSettings.none());

        assertThat(tool.providerName()).isEmpty();
        assertThat(search(tool, "{\"query\":\"anything\"}")).isEqualTo(ToolResult.failed(
                "web search is not available: no search provider is configured "
                        + "(set casebook.tools.search.provider to searxng, brave or tavily)"));
    }

    @Test
    void a_refused_key_is_an_infrastructure_failure() {
        server.respond("/res/v1/web/search", 401, "application/json", "{\"error\":\"bad token\"}");

        assertThatThrownBy(() -> search(WebSearchTool.of(settings("brave", "wrong")), "{\"query\":\"x\"}"))
                .isInstanceOf(ToolInfrastructureException.class)
                .hasMessage("the brave search refused the request (HTTP 401): check the configured API key");
    }

    @Test
    void a_slow_provider_is_a_timeout_the_model_sees() {
        server.on("/search", exchange -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        SearchSettings slow = new SearchSettings("searxng", URI.create(server.url("127.0.0.1")), null, 8, Duration.ofMillis(300));

        assertThat(search(WebSearchTool.of(slow), "{\"query\":\"x\"}"))
                .isEqualTo(ToolResult.failed("the searxng search did not answer within 300 ms"));
    }

    @Test
    void says_when_nothing_was_found() {
        server.respond("/search", 200, "application/json", "{\"query\":\"zzz\",\"results\":[]}");

        assertThat(search(WebSearchTool.of(settings("searxng", null)), "{\"query\":\"zzz\"}"))
                .isEqualTo(ToolResult.ok("No results for \"zzz\"."));
    }

    @Test
    void validates_the_configuration() {
        assertThatThrownBy(() -> new SearchSettings("google", null, null, 8, Duration.ofSeconds(1)))
                .hasMessage("unknown search provider 'google': use none, searxng, brave or tavily");
        assertThatThrownBy(() -> new SearchSettings("brave", null, " ", 8, Duration.ofSeconds(1)))
                .hasMessage("the brave search provider needs an API key");
        assertThatThrownBy(() -> new SearchSettings("searxng", null, null, 8, Duration.ofSeconds(1)))
                .hasMessage("the searxng search provider needs a base URL");
        assertThat(new SearchSettings("brave", null, "secret", 8, Duration.ofSeconds(1)).toString())
                .doesNotContain("secret");
    }
}
