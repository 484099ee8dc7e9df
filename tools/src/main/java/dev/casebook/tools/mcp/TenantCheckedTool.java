package dev.casebook.tools.mcp;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;

/** An MCP tool in a toolbox shared by all tenants: it refuses calls of tenants its allow-list leaves out. */
record TenantCheckedTool(Tool tool, McpAllowList allowList) implements Tool {
    @Override
    public ToolSpecification specification() {
        return tool.specification();
    }

    @Override
    public boolean availableTo(String tenant) {
        return allowList.allows(tenant, tool.name());
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        String tenant = invocation.context().tenant();
        if (!availableTo(tenant)) {
            return ToolResult.failed("the tool '" + tool.name() + "' is not available to tenant '" + tenant + "'");
        }
        return tool.execute(invocation);
    }
}
