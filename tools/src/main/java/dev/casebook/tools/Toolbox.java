package dev.casebook.tools;

import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tools available to one task, by name. Names are unique.
 *
 * <p>{@link #execute} applies the failure policy: an unknown (hallucinated) tool name is answered with a
 * {@link ToolResult.Failed} listing the available tools; a {@link ToolArgumentException} becomes a
 * {@link ToolResult.Failed} with its message; a {@link ToolInfrastructureException} propagates; any other exception
 * of a tool is a bug of that tool and propagates wrapped in a non-retryable {@link ToolInfrastructureException}.
 */
public final class Toolbox {
    private final Map<String, Tool> byName = new LinkedHashMap<>();
    private final List<ToolSpecification> specifications;
    private final Map<String, Toolbox> byTenant = new ConcurrentHashMap<>();

    public Toolbox(List<? extends Tool> tools) {
        for (Tool tool : tools) {
            if (byName.putIfAbsent(tool.name(), tool) != null) {
                throw new IllegalArgumentException("two tools are named '" + tool.name() + "'");
            }
        }
        specifications = byName.values().stream().map(Tool::specification).toList();
    }

    /**
     * The tools of this box that {@code tenant} may use ({@link Tool#availableTo}): what its tasks offer the model and
     * list to the planner, so a hidden tool's name is answered like any unknown name. This box when all are.
     */
    public Toolbox forTenant(String tenant) {
        return byTenant.computeIfAbsent(tenant, t -> {
            List<Tool> visible = byName.values().stream().filter(tool -> tool.availableTo(t)).toList();
            return visible.size() == byName.size() ? this : new Toolbox(visible);
        });
    }

    /** The tools as shown to the model, in order. */
    public List<ToolSpecification> specifications() {
        return specifications;
    }

    public List<Tool> tools() {
        return List.copyOf(byName.values());
    }

    public Optional<Tool> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Runs the named tool under the failure policy described on this class. */
    public ToolResult execute(String name, ToolInvocation invocation) {
        Objects.requireNonNull(invocation, "invocation");
        Tool tool = name == null ? null : byName.get(name);
        if (tool == null) {
            return ToolResult.failed(unknownToolMessage(name));
        }
        try {
            return Objects.requireNonNull(tool.execute(invocation), "tool '" + name + "' returned no result");
        } catch (ToolArgumentException e) {
            return ToolResult.failed("invalid arguments for tool '" + name + "': " + e.getMessage());
        } catch (ToolInfrastructureException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ToolInfrastructureException(
                    "tool '" + name + "' failed unexpectedly: " + e, false, e);
        }
    }

    private String unknownToolMessage(String name) {
        String available = byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet());
        return "there is no tool named '" + name + "'; the available tools are: " + available;
    }
}
