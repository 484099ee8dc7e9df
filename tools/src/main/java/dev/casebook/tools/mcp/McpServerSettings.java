package dev.casebook.tools.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One external MCP server: started as a process speaking MCP over stdio ({@code command}), or reached over HTTP
 * ({@code url}, with {@code transport} {@code streamable-http} or {@code sse}). Its tools appear as
 * {@code <name>__<tool>}.
 *
 * @param name        short name, also the tool name prefix: letters, digits, {@code -} and {@code _}
 * @param command     the command line of a stdio server, or empty
 * @param environment variables for a stdio server (it gets only these and {@code PATH}, not the server's)
 * @param url         the endpoint of an HTTP server, or {@code null}
 * @param transport   {@code stdio}, {@code streamable-http} or {@code sse}
 * @param timeout     the longest one call may take
 */
public record McpServerSettings(String name, List<String> command, Map<String, String> environment, URI url,
                                String transport, Duration timeout) {
    public static final String STDIO = "stdio";
    public static final String STREAMABLE_HTTP = "streamable-http";
    public static final String SSE = "sse";

    public McpServerSettings {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_-]{1,24}")) {
            throw new IllegalArgumentException("MCP server name '" + name
                    + "' must be 1-24 letters, digits, '-' or '_' (it prefixes the tool names)");
        }
        command = List.copyOf(command == null ? List.of() : command);
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        if (transport == null || transport.isBlank()) {
            transport = url != null ? STREAMABLE_HTTP : STDIO;
        }
        switch (transport) {
            case STDIO -> {
                if (command.isEmpty() || url != null) {
                    throw new IllegalArgumentException("MCP server '" + name + "': a stdio server needs a command and no url");
                }
            }
            case STREAMABLE_HTTP, SSE -> {
                if (url == null || !command.isEmpty()) {
                    throw new IllegalArgumentException("MCP server '" + name + "': an HTTP server needs a url and no command");
                }
            }
            default -> throw new IllegalArgumentException("MCP server '" + name + "': unknown transport '" + transport
                    + "' (use stdio, streamable-http or sse)");
        }
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
    }

    public static McpServerSettings stdio(String name, List<String> command) {
        return new McpServerSettings(name, command, Map.of(), null, STDIO, null);
    }

    public static McpServerSettings http(String name, URI url, String transport) {
        return new McpServerSettings(name, List.of(), Map.of(), url, transport, null);
    }

    /** Environment values may be secrets (tokens for the MCP server): only their names are shown. */
    @Override
    public String toString() {
        return "McpServerSettings[name=" + name + ", command=" + command + ", environment=" + environment.keySet()
                + ", url=" + url + ", transport=" + transport + ", timeout=" + timeout + "]";
    }

    public McpServerSettings withTimeout(Duration newTimeout) {
        return new McpServerSettings(name, command, environment, url, transport, newTimeout);
    }
}
