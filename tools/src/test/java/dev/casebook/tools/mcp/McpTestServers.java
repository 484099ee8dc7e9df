package dev.casebook.tools.mcp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real MCP servers from npm that scripts/setup-mcp-servers.sh installs into .casebook/mcp. */
final class McpTestServers {
    private McpTestServers() {
    }

    static Path script(String packageName) {
        Path root = projectRoot();
        Path script = root.resolve(".casebook/mcp/node_modules/@modelcontextprotocol").resolve(packageName)
                .resolve("dist/index.js");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("the MCP test server " + packageName + " is not installed at " + script
                    + ": run scripts/setup-mcp-servers.sh (./casebook test runs it)");
        }
        return script;
    }

    static List<String> everythingStdio() {
        return List.of("node", script("server-everything").toString(), "stdio");
    }

    static List<String> filesystem(Path allowed) {
        return List.of("node", script("server-filesystem").toString(), allowed.toString());
    }

    private static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/setup-mcp-servers.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the project root (scripts/setup-mcp-servers.sh) above "
                + Path.of("").toAbsolutePath());
    }
}
