package dev.casebook.tools.search;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolArguments;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Searches the web through the configured {@link SearchProvider} and lists title, URL and snippet of each hit. */
public final class WebSearchTool implements Tool {
    public static final String NAME = "web_search";

    private static final ToolSpecification SPECIFICATION = ToolSpecification.builder()
            .name(NAME)
            .description("Searches the web. Returns a numbered list of results with title, URL and snippet; "
                    + "use fetch_page to read a result.")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("query", "what to search for")
                    .addIntegerProperty("count", "how many results to return (1-20)")
                    .required("query")
                    .build())
            .build();

    private final Optional<SearchProvider> provider;
    private final SearchSettings settings;

    private WebSearchTool(Optional<SearchProvider> provider, SearchSettings settings) {
        this.provider = provider;
        this.settings = settings;
    }

    /** The tool for the configured provider; with provider {@code none} every call explains that none is configured. */
    public static WebSearchTool of(SearchSettings settings) {
        Optional<SearchProvider> provider = switch (settings.provider()) {
            case SearchSettings.SEARXNG -> Optional.of(new SearxngSearch(settings.baseUrl()));
            case SearchSettings.BRAVE -> Optional.of(new BraveSearch(settings.baseUrl(), settings.apiKey()));
            case SearchSettings.TAVILY -> Optional.of(new TavilySearch(settings.baseUrl(), settings.apiKey()));
            default -> Optional.empty();
        };
        return new WebSearchTool(provider, settings);
    }

    public Optional<String> providerName() {
        return provider.map(SearchProvider::name);
    }

    @Override
    public ToolSpecification specification() {
        return SPECIFICATION;
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        ToolArguments arguments = ToolArguments.parse(invocation.argumentsJson());
        String query = arguments.string("query");
        int count = arguments.integer("count", settings.maxResults(), 1, 20);
        if (provider.isEmpty()) {
            return ToolResult.failed("web search is not available: no search provider is configured "
                    + "(set casebook.tools.search.provider to searxng, brave or tavily)");
        }
        Duration timeout = settings.timeout().compareTo(invocation.context().timeout()) <= 0
                ? settings.timeout() : invocation.context().timeout();
        List<SearchHit> hits;
        try {
            hits = provider.get().search(query, count, timeout);
        } catch (SearchProvider.SearchTimeoutException e) {
            return ToolResult.failed(e.getMessage());
        }
        if (hits.isEmpty()) {
            return ToolResult.ok("No results for \"" + query + "\".");
        }
        StringBuilder out = new StringBuilder("Results for \"").append(query).append("\":\n");
        for (int i = 0; i < hits.size(); i++) {
            SearchHit hit = hits.get(i);
            out.append('\n').append(i + 1).append(". ").append(hit.title().isEmpty() ? hit.url() : hit.title())
                    .append("\n   ").append(hit.url());
            if (!hit.snippet().isEmpty()) {
                out.append("\n   ").append(hit.snippet());
            }
            out.append('\n');
        }
        return ToolResult.ok(out.toString().strip());
    }
}
