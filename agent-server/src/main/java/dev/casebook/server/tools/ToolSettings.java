package dev.casebook.server.tools;

import dev.casebook.tools.code.SandboxSettings;
import dev.casebook.tools.documents.DocumentSettings;
import dev.casebook.tools.mcp.McpAllowList;
import dev.casebook.tools.mcp.McpServerSettings;
import dev.casebook.tools.search.SearchSettings;
import dev.casebook.tools.web.NetworkPolicy;
import dev.casebook.tools.web.PageFetchSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The built-in tools and MCP servers ({@code casebook.tools.*}); see docs/tools.md. Absent values take the defaults
 * of the tools module.
 */
@ConfigurationProperties("casebook.tools")
public record ToolSettings(Fetch fetch, Search search, Documents documents, Code code, Mcp mcp) {
    public ToolSettings {
        fetch = fetch == null ? new Fetch(null, null, null, null, null, null) : fetch;
        search = search == null ? new Search(null, null, null, null, null) : search;
        documents = documents == null ? new Documents(null, null, null) : documents;
        code = code == null ? new Code(null, null, null, null, null, null, null, null, null, null) : code;
        mcp = mcp == null ? new Mcp(null, null) : mcp;
    }

    /** {@code casebook.tools.fetch.*}: the page fetch tool. */
    public record Fetch(Boolean enabled, Duration timeout, DataSize maxBytes, Integer maxChars, Integer maxRedirects,
                        List<String> allowedDestinations) {
        public Fetch {
            enabled = enabled == null || enabled;
        }

        PageFetchSettings toSettings() {
            PageFetchSettings d = PageFetchSettings.defaults();
            return new PageFetchSettings(timeout == null ? d.timeout() : timeout,
                    maxBytes == null ? d.maxBytes() : maxBytes.toBytes(),
                    maxChars == null ? d.maxChars() : maxChars,
                    maxRedirects == null ? d.maxRedirects() : maxRedirects,
                    null, new NetworkPolicy(allowedDestinations));
        }
    }

    /** {@code casebook.tools.search.*}: the web search provider. */
    public record Search(String provider, URI baseUrl, String apiKey, Integer maxResults, Duration timeout) {
        SearchSettings toSettings() {
            SearchSettings d = SearchSettings.none();
            return new SearchSettings(provider, baseUrl, apiKey, maxResults == null ? d.maxResults() : maxResults,
                    timeout == null ? d.timeout() : timeout);
        }

        @Override
        public String toString() {
            return "Search[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "***")
                    + ", maxResults=" + maxResults + ", timeout=" + timeout + "]";
        }
    }

    /** {@code casebook.tools.documents.*}: document reading limits. */
    public record Documents(DataSize maxFileBytes, Integer maxChars, Integer maxRows) {
        DocumentSettings toSettings() {
            DocumentSettings d = DocumentSettings.defaults();
            return new DocumentSettings(maxFileBytes == null ? d.maxFileBytes() : maxFileBytes.toBytes(),
                    maxChars == null ? d.maxChars() : maxChars, maxRows == null ? d.maxRows() : maxRows);
        }
    }

    /** {@code casebook.tools.code.*}: the code execution sandbox. */
    public record Code(Boolean enabled, Duration wallTime, Duration cpuTime, DataSize memory, Integer maxProcesses,
                       DataSize maxFileBytes, Integer maxOutputChars, DataSize workspaceSize, Path workRoot,
                       Path cgroupParent) {
        public Code {
            enabled = enabled == null || enabled;
        }

        /** The sandbox's limits; also those of generated tasks' validators ({@code dev.casebook.server.sandboxtasks}). */
        public SandboxSettings toSettings() {
            SandboxSettings d = SandboxSettings.defaults();
            return new SandboxSettings(wallTime == null ? d.wallTime() : wallTime,
                    cpuTime == null ? d.cpuTime() : cpuTime,
                    memory == null ? d.memoryBytes() : memory.toBytes(),
                    maxProcesses == null ? d.maxProcesses() : maxProcesses,
                    maxFileBytes == null ? d.maxFileBytes() : maxFileBytes.toBytes(),
                    maxOutputChars == null ? d.maxOutputChars() : maxOutputChars,
                    workspaceSize == null ? d.workspaceBytes() : workspaceSize.toBytes(),
                    workRoot, cgroupParent);
        }
    }

    /** {@code casebook.tools.mcp.*}: external MCP servers and per-tenant allow-lists of their tools. */
    public record Mcp(List<Server> servers, Map<String, List<String>> allowedTools) {
        public Mcp {
            servers = servers == null ? List.of() : List.copyOf(servers);
            allowedTools = allowedTools == null ? Map.of() : Map.copyOf(allowedTools);
        }

        List<McpServerSettings> toSettings() {
            return servers.stream().map(Server::toSettings).toList();
        }

        McpAllowList allowList() {
            return new McpAllowList(allowedTools);
        }
    }

    /** One MCP server: {@code command} (stdio) or {@code url} (streamable-http or sse). */
    public record Server(String name, List<String> command, Map<String, String> environment, URI url,
                         String transport, Duration timeout) {
        McpServerSettings toSettings() {
            return new McpServerSettings(name, command, environment, url, transport, timeout);
        }

        @Override
        public String toString() {
            return "Server[name=" + name + ", command=" + command + ", environment="
                    + (environment == null ? "{}" : environment.keySet() + " (values hidden)") + ", url=" + url
                    + ", transport=" + transport + ", timeout=" + timeout + "]";
        }
    }
}
