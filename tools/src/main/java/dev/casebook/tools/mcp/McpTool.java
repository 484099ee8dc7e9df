package dev.casebook.tools.mcp;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;

/** A tool of an external MCP server, shown to the model as {@code <server>__<tool>}. */
final class McpTool implements Tool {
    static final String SEPARATOR = "__";

    private final McpConnection connection;
    private final String remoteName;
    private final ToolSpecification specification;

    McpTool(McpConnection connection, ToolSpecification remote) {
        this.connection = connection;
        this.remoteName = remote.name();
        this.specification = remote.toBuilder()
                .name(connection.name() + SEPARATOR + remote.name())
                .description("[MCP server " + connection.name() + "] "
                        + (remote.description() == null ? remote.name() : remote.description()))
                .build();
    }

    @Override
    public ToolSpecification specification() {
        return specification;
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        return connection.call(remoteName, invocation.argumentsJson());
    }
}
