package dev.casebook.tools.mcp;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which MCP tools each tenant may use. Entries are prefixed tool names, with {@code *} as a wildcard
 * ({@code everything__*}, {@code filesystem__read_*}). A tenant without its own list gets the list of the tenant
 * {@code default}; a tenant with neither gets no MCP tool. An allow-list with no entries at all lets every tenant use
 * every MCP tool (the single-tenant default).
 */
public record McpAllowList(Map<String, List<String>> byTenant) {
    public static final String DEFAULT_TENANT = "default";

    public McpAllowList {
        byTenant = Map.copyOf(byTenant == null ? Map.of() : byTenant);
        byTenant.forEach((tenant, patterns) -> {
            if (patterns == null) {
                throw new IllegalArgumentException("the MCP allow-list of tenant '" + tenant + "' is null");
            }
        });
    }

    public static McpAllowList allowAll() {
        return new McpAllowList(Map.of());
    }

    public boolean allows(String tenant, String toolName) {
        if (byTenant.isEmpty()) {
            return true;
        }
        List<String> patterns = byTenant.getOrDefault(tenant, byTenant.getOrDefault(DEFAULT_TENANT, List.of()));
        return patterns.stream().anyMatch(pattern -> matches(pattern.strip(), toolName));
    }

    private static boolean matches(String pattern, String name) {
        String regex = String.join(".*", Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote).toList());
        return name.matches(regex);
    }
}
