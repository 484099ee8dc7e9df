package dev.casebook.server.synthesis;

import dev.casebook.tools.Tool;
import dev.casebook.tools.ToolInvocation;
import dev.casebook.tools.ToolResult;
import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * A real tool's double in a dream: the same specification (so the planner and the executor see exactly what they
 * would see) and the same tenant rule; its calls are answered by the episode's experience model, and the real tool is
 * never called.
 */
final class DreamTool implements Tool {
    private final Tool real;
    private final DreamEpisode episode;

    DreamTool(Tool real, DreamEpisode episode) {
        this.real = real;
        this.episode = episode;
    }

    @Override
    public ToolSpecification specification() {
        return real.specification();
    }

    @Override
    public boolean availableTo(String tenant) {
        return real.availableTo(tenant);
    }

    @Override
    public ToolResult execute(ToolInvocation invocation) {
        return episode.simulate(real.specification(), invocation);
    }
}
