package dev.casebook.tools.mcp;

import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.HttpMcpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one MCP server. A server that fails (its process died, its endpoint stopped answering) is
 * dropped and connected again on the next call, so one crash costs one call, not the rest of the task.
 */
final class McpConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpConnection.class);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    private final McpServerSettings settings;
    private McpClient client;
    private ExecutorService io;

    McpConnection(McpServerSettings settings) {
        this.settings = settings;
    }

    String name() {
        return settings.name();
    }

    /** Connects (if not connected) and lists the server's tools. */
    List<ToolSpecification> listTools() {
        return client().listTools();
    }

    ToolResult call(String tool, String argumentsJson) {
        McpClient current;
        try {
            current = client();
        } catch (RuntimeException e) {
            return ToolResult.failed("the MCP server '" + name() + "' is not available: " + message(e));
        }
        try {
            ToolExecutionResult result = current.executeTool(ToolExecutionRequest.builder()
                    .id(UUID.randomUUID().toString()).name(tool).arguments(argumentsJson).build());
            if (!result.isError()) {
                return ToolResult.ok(result.resultText());
            }
            if (!healthy(current)) {
                return stopped(current, tool, result.resultText());
            }
            return ToolResult.failed(result.resultText());
        } catch (RuntimeException e) {
            if (!healthy(current)) {
                return stopped(current, tool, message(e));
            }
            return ToolResult.failed("the MCP tool '" + tool + "' of server '" + name() + "' failed: " + message(e));
        }
    }

    private ToolResult stopped(McpClient broken, String tool, String detail) {
        drop(broken);
        return ToolResult.failed("the MCP server '" + name() + "' stopped working during the call to '" + tool + "' ("
                + detail + "); it will be started again on the next call");
    }

    private static boolean healthy(McpClient client) {
        try {
            client.checkHealth();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private synchronized McpClient client() {
        if (client == null) {
            McpClient fresh = new DefaultMcpClient.Builder()
                    .key(settings.name())
                    .clientName("casebook")
                    .transport(transport())
                    .initializationTimeout(Duration.ofSeconds(60))
                    .toolExecutionTimeout(settings.timeout())
                    .toolExecutionTimeoutErrorMessage("the MCP server '" + settings.name() + "' did not answer within "
                            + settings.timeout().toSeconds() + " s")
                    .pingTimeout(PING_TIMEOUT)
                    .autoHealthCheck(false)
                    .cacheToolList(true)
                    .build();
            client = fresh;
        }
        return client;
    }

    private synchronized void drop(McpClient broken) {
        closeQuietly(broken);
        if (client == broken) {
            client = null;
            stopIo();
        }
    }

    /**
     * A stdio server's pipes are read by platform threads: a virtual thread blocked reading a process pipe keeps its
     * carrier, and two of them are enough to starve every virtual thread of a two-core server.
     */
    private ExecutorService io() {
        if (io == null) {
            AtomicInteger count = new AtomicInteger();
            io = Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "mcp-" + settings.name() + "-io-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        return io;
    }

    private void stopIo() {
        if (io != null) {
            io.shutdownNow();
            io = null;
        }
    }

    private McpTransport transport() {
        return switch (settings.transport()) {
            case McpServerSettings.STDIO -> new StdioMcpTransport.Builder()
                    .command(minimalEnvironment(settings.command(), settings.environment()))
                    .executorService(io())
                    .logEvents(false)
                    .build();
            case McpServerSettings.SSE -> new HttpMcpTransport.Builder()
                    .sseUrl(settings.url().toString())
                    .timeout(settings.timeout())
                    .build();
            default -> new StreamableHttpMcpTransport.Builder()
                    .url(settings.url().toString())
                    .timeout(settings.timeout())
                    .build();
        };
    }

    /** A stdio server gets PATH, HOME and its configured variables, never the rest of this server's environment. */
    static List<String> minimalEnvironment(List<String> command, Map<String, String> environment) {
        List<String> line = new ArrayList<>(List.of("/usr/bin/env", "-i"));
        String path = System.getenv("PATH");
        line.add("PATH=" + (path == null ? "/usr/local/bin:/usr/bin:/bin" : path));
        String home = System.getenv("HOME");
        if (home != null) {
            line.add("HOME=" + home);
        }
        environment.forEach((key, value) -> line.add(key + "=" + value));
        line.addAll(command);
        return line;
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return text == null || text.isBlank() ? root.getClass().getSimpleName() : text;
    }

    private static void closeQuietly(McpClient client) {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debug("closing MCP client {} failed: {}", client.key(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            closeQuietly(client);
            client = null;
        }
        stopIo();
    }
}
