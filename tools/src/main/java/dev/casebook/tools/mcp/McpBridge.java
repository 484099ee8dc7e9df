package dev.casebook.tools.mcp;

import dev.casebook.tools.Tool;
import dev.casebook.tools.Toolbox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches the configured MCP servers and offers their tools beside the built-in ones, filtered by the tenant's
 * {@link McpAllowList}. Servers are connected and their tools listed when the bridge starts; a server that cannot be
 * reached then is reported in {@link #status()} and left out, the others go on. Closing the bridge stops the stdio
 * server processes.
 */
public final class McpBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpBridge.class);

    private final List<McpConnection> connections = new ArrayList<>();
    private final List<Tool> tools = new ArrayList<>();
    private final Map<String, String> status = new LinkedHashMap<>();
    private final McpAllowList allowList;

    private McpBridge(McpAllowList allowList) {
        this.allowList = allowList;
    }

    public static McpBridge start(List<McpServerSettings> servers, McpAllowList allowList) {
        McpBridge bridge = new McpBridge(Objects.requireNonNull(allowList, "allowList"));
        for (McpServerSettings server : servers) {
            if (bridge.status.containsKey(server.name())) {
                throw new IllegalArgumentException("two MCP servers are named '" + server.name() + "'");
            }
            McpConnection connection = new McpConnection(server);
            bridge.connections.add(connection);
            try {
                connection.listTools().forEach(spec -> bridge.tools.add(new McpTool(connection, spec)));
                long count = bridge.tools.stream().filter(t -> t.name().startsWith(server.name() + McpTool.SEPARATOR)).count();
                bridge.status.put(server.name(), "connected, " + count + " tools");
                LOG.info("MCP server {} attached with {} tools", server.name(), count);
            } catch (RuntimeException e) {
                connection.close();
                bridge.status.put(server.name(), "unavailable: " + e.getMessage());
                LOG.warn("MCP server {} is unavailable and left out: {}", server.name(), e.toString());
            }
        }
        return bridge;
    }

    /** Every MCP tool, for every tenant. */
    public List<Tool> tools() {
        return List.copyOf(tools);
    }

    /** The MCP tools the tenant may use. */
    public List<Tool> tools(String tenant) {
        return tools.stream().filter(tool -> allowList.allows(tenant, tool.name())).toList();
    }

    /**
     * Every MCP tool, each refusing the calls of tenants whose allow-list leaves it out: for a toolbox shared by all
     * tenants. A per-tenant {@link #toolbox} also hides the tools from the model.
     */
    public List<Tool> tenantCheckedTools() {
        return tools.stream().map(tool -> (Tool) new TenantCheckedTool(tool, allowList)).toList();
    }

    /** The built-in tools followed by the tenant's MCP tools. */
    public Toolbox toolbox(String tenant, List<? extends Tool> builtIns) {
        List<Tool> all = new ArrayList<>(builtIns);
        all.addAll(tools(tenant));
        return new Toolbox(all);
    }

    /** Per server: connected with how many tools, or why it is unavailable. */
    public Map<String, String> status() {
        return Map.copyOf(status);
    }

    @Override
    public void close() {
        connections.forEach(McpConnection::close);
    }
}
